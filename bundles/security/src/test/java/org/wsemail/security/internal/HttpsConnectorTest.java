package org.wsemail.security.internal;

import static org.junit.Assert.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.Test;

/** The edit of etc/org.ops4j.pax.web.cfg: settings replaced in place or added, everything else kept. */
public class HttpsConnectorTest {

    @Test
    public void settingsAreReplacedInPlaceOrAddedAndTheRestIsKept() {
        List<String> file = List.of("# Pax Web", "org.osgi.service.http.port = 8181", "org.osgi.service.http.secure.enabled = false",
                "", "org.ops4j.pax.web.listening.addresses=127.0.0.2");
        Map<String, String> wanted = new LinkedHashMap<>();
        wanted.put("org.osgi.service.http.secure.enabled", "true");
        wanted.put("org.osgi.service.http.port.secure", "8443");

        List<String> edited = HttpsConnector.withProperties(file, wanted);

        assertEquals(List.of("# Pax Web", "org.osgi.service.http.port = 8181", "org.osgi.service.http.secure.enabled = true",
                "", "org.ops4j.pax.web.listening.addresses=127.0.0.2", "org.osgi.service.http.port.secure = 8443"), edited);
        assertEquals("applying the same settings again changes nothing", edited, HttpsConnector.withProperties(edited, wanted));
    }
}
