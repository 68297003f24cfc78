package ${package};

import static org.junit.Assert.assertEquals;

import org.junit.Test;
import org.wsemail.api.Address;
import org.wsemail.api.AuthenticationMethod;
import org.wsemail.api.ProcessingEnvironment;
import org.wsemail.api.plugin.SoapCaller;
import org.wsemail.testing.RecordingMailContext;

/** The endpoint's logic, with the caller the server would have authenticated. */
public class ${className}EndpointTest {

    @Test
    public void answersWithTheAuthenticatedCaller() throws Exception {
        ${className}Endpoint endpoint = new ${className}Endpoint(new RecordingMailContext("a.example"));
        ProcessingEnvironment alice = ProcessingEnvironment.of(Address.parse("alice@a.example"),
                AuthenticationMethod.USERNAME_TOKEN, true);
        assertEquals("alice@a.example (USERNAME_TOKEN) at a.example", SoapCaller.serve(alice, endpoint::whoAmI));
    }
}
