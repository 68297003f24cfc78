package org.wsemail.plugins.newmailnotification;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

import org.junit.Test;
import org.w3c.dom.Element;
import org.wsemail.api.Address;
import org.wsemail.api.AuthenticationMethod;
import org.wsemail.api.MailMessage;
import org.wsemail.api.ProcessingEnvironment;
import org.wsemail.api.plugin.ExtensionException;
import org.wsemail.api.plugin.PluginXml;
import org.wsemail.testing.Configs;
import org.wsemail.testing.RecordingMailContext;

public class NewMailNotificationTest {
    private static final Address BOB = Address.parse("bob@b.test");
    private static final ProcessingEnvironment BOB_CALLING = ProcessingEnvironment.of(BOB, AuthenticationMethod.USERNAME_TOKEN, true);

    /** The test's client listens on loopback, an internal address. */
    private static final NewMailNotification.Config CONFIG = Configs.of(NewMailNotification.Config.class)
            .with("allow_private_targets", true).build();

    /** Outlives the plug-in instances of a test, as the server's store outlives a restart. */
    private final RecordingMailContext context = new RecordingMailContext("b.test", BOB);

    private static Element register(String host, String port) {
        Element register = PluginXml.answer("register");
        register.setAttribute("host", host);
        register.setAttribute("port", port);
        return register;
    }

    @Test
    public void aRegisteredClientHearsOfEachDeliveryAndTheRegistrationIsKept() throws Exception {
        try (DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            client.setSoTimeout(5000);
            new NewMailNotification(CONFIG, context).handle(register("127.0.0.1", String.valueOf(client.getLocalPort())), BOB_CALLING);

            NewMailNotification restarted = new NewMailNotification(CONFIG, context);
            MailMessage message = MailMessage.builder().sender(Address.parse("alice@a.test")).recipient(BOB).subject("Lunch?").build();
            restarted.deliver(message, BOB, BOB_CALLING);

            DatagramPacket packet = new DatagramPacket(new byte[512], 512);
            client.receive(packet);
            assertEquals("NEW-MAIL bob@b.test alice@a.test Lunch?",
                    new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8));
        }
    }

    @Test
    public void privilegedPortsAndStrangersAreRefused() throws Exception {
        NewMailNotification plugin = new NewMailNotification(CONFIG, context);
        assertFault(plugin, register("127.0.0.1", "53"), BOB_CALLING, "give a host and a port from 1024 to 65535");
        assertFault(plugin, register("127.0.0.1", "2525"),
                ProcessingEnvironment.of(Address.parse("val@c.test"), AuthenticationMethod.FEDERATED_TOKEN, false),
                "only users of this server can be notified");
    }

    @Test
    public void internalAddressesAreRefusedByDefault() throws Exception {
        NewMailNotification plugin = new NewMailNotification(Configs.defaults(NewMailNotification.Config.class), context);
        for (String internal : new String[] {"127.0.0.1", "10.1.2.3", "192.168.0.10", "172.16.5.5", "169.254.169.254", "100.64.0.1",
                "::1", "fd00::1", "0.0.0.0"}) {
            assertFault(plugin, register(internal, "2525"), BOB_CALLING, InetAddress.getByName(internal).getHostAddress()
                    + " is an internal address (loopback, private or link-local); this server notifies public addresses only");
        }
        assertEquals("true", plugin.handle(register("192.0.2.44", "2525"), BOB_CALLING).getAttribute("active"));
    }

    private static void assertFault(NewMailNotification plugin, Element request, ProcessingEnvironment env, String message) {
        try {
            plugin.handle(request, env);
            fail("accepted");
        } catch (ExtensionException expected) {
            assertEquals(message, expected.getMessage());
        }
    }
}
