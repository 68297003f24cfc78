#set( $sending = $kinds.contains("sending") )
#set( $delivery = $kinds.contains("delivery") )
#set( $extension = $kinds.contains("extension") )
package ${package};

import static org.junit.Assert.assertEquals;
#if( $sending )
import static org.junit.Assert.assertTrue;
#end

import java.lang.annotation.Annotation;

#if( $extension )
import javax.xml.parsers.DocumentBuilderFactory;

#end
import org.junit.Test;
#if( $extension )
import org.w3c.dom.Element;
#end
import org.wsemail.api.Address;
import org.wsemail.api.AuthenticationMethod;
import org.wsemail.api.MailMessage;
import org.wsemail.api.ProcessingEnvironment;

/** The plug-in's logic, on plain objects: no server needed. */
public class ${className}Test {
    private static final Address ALICE = Address.parse("alice@a.example");
    private static final Address BOB = Address.parse("bob@b.example");
    private static final ProcessingEnvironment ENV = ProcessingEnvironment.of(ALICE, AuthenticationMethod.USERNAME_TOKEN, true);

    private final ${className} plugin = new ${className}(new ${className}.Config() {
        @Override
        public Class<? extends Annotation> annotationType() {
            return ${className}.Config.class;
        }

        @Override
        public String footer() {
            return "Sent with care";
        }
    });

    private static MailMessage message() {
        return MailMessage.builder().sender(ALICE).recipient(BOB).subject("Hello").body("Hi Bob").build();
    }
#if( $sending )

    @Test
    public void addsTheFooterOnce() throws Exception {
        MailMessage once = plugin.process(message(), ENV).replacement().orElseThrow();
        assertEquals("Hi Bob\n-- \nSent with care", once.body());
        assertTrue(plugin.process(once, ENV).replacement().isEmpty());
    }
#end
#if( $delivery )

    @Test
    public void marksTheSubjectOnDelivery() throws Exception {
        assertEquals("[${pluginName}] Hello", plugin.deliver(message(), BOB, ENV).replacement().orElseThrow().subject());
    }
#end
#if( $extension )

    @Test
    public void answersAPingWithTheCaller() throws Exception {
        Element ping = DocumentBuilderFactory.newInstance().newDocumentBuilder().newDocument().createElementNS(null, "ping");
        Element pong = plugin.handle(ping, ENV);
        assertEquals("alice@a.example", pong.getAttribute("caller"));
        assertEquals("USERNAME_TOKEN", pong.getAttribute("authentication"));
    }
#end
}
