#set( $sending = $kinds.contains("sending") )
#set( $delivery = $kinds.contains("delivery") )
#set( $extension = $kinds.contains("extension") )
package ${package};

import static org.junit.Assert.assertEquals;
#if( $sending )
import static org.junit.Assert.assertTrue;
#end

import org.junit.Test;
#if( $extension )
import org.w3c.dom.Element;
#end
import org.wsemail.api.Address;
import org.wsemail.api.AuthenticationMethod;
import org.wsemail.api.MailMessage;
import org.wsemail.api.ProcessingEnvironment;
#if( $extension )
import org.wsemail.api.plugin.PluginXml;
#end
import org.wsemail.testing.Configs;
import org.wsemail.testing.RecordingMailContext;

/**
 * The plug-in's logic, on plain objects: no server needed. {@link RecordingMailContext} stands in
 * for the server (a domain with the users named, a store in memory, messages sent recorded) and
 * {@link Configs} builds the configuration from its defaults.
 */
public class ${className}Test {
    private static final Address ALICE = Address.parse("alice@a.example");
    private static final Address BOB = Address.parse("bob@b.example");
    private static final ProcessingEnvironment ENV = ProcessingEnvironment.of(ALICE, AuthenticationMethod.USERNAME_TOKEN, true);

    private final RecordingMailContext context = new RecordingMailContext("a.example", ALICE);
    private final ${className} plugin = new ${className}(
            Configs.of(${className}.Config.class).with("footer", "Sent with care").build(), context);

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
    public void marksTheSubjectOnDeliveryAndCountsDeliveries() throws Exception {
        assertEquals("[${pluginName}] Hello", plugin.deliver(message(), BOB, ENV).replacement().orElseThrow().subject());
        plugin.deliver(message(), BOB, ENV);
        assertEquals("2", context.store().get(BOB, ${className}.DELIVERIES).orElseThrow());
    }
#end
#if( $extension )

    @Test
    public void answersAPingWithTheCaller() throws Exception {
        Element pong = plugin.handle(PluginXml.answer("ping"), ENV);
        assertEquals("alice@a.example", pong.getAttribute("caller"));
        assertEquals("USERNAME_TOKEN", pong.getAttribute("authentication"));
        assertEquals("a.example", pong.getAttribute("domain"));
        assertEquals("true", pong.getAttribute("local"));
    }
#end
}
