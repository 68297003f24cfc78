package org.wsemail.plugins.newmailnotification;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.Test;
import org.osgi.service.cm.ConfigurationAdmin;
import org.w3c.dom.Element;
import org.wsemail.api.Address;
import org.wsemail.api.AuthenticationMethod;
import org.wsemail.api.MailMessage;
import org.wsemail.api.ProcessingEnvironment;
import org.wsemail.api.plugin.ExtensionException;
import org.wsemail.testing.InMemoryConfigurationAdmin;

public class NewMailNotificationTest {
    private static final Address BOB = Address.parse("bob@b.test");
    private static final ProcessingEnvironment BOB_CALLING = ProcessingEnvironment.of(BOB, AuthenticationMethod.USERNAME_TOKEN, true);

    private static final NewMailNotification.Config CONFIG = new NewMailNotification.Config() {
        @Override
        public Class<? extends java.lang.annotation.Annotation> annotationType() {
            return NewMailNotification.Config.class;
        }

        @Override
        public int min_port() {
            return 1024;
        }
    };

    private final InMemoryConfigurationAdmin store = new InMemoryConfigurationAdmin();
    private final ConfigurationAdmin configurationAdmin = store.service();

    private static Element register(String host, String port) throws Exception {
        Element register = DocumentBuilderFactory.newInstance().newDocumentBuilder().newDocument().createElementNS(null, "register");
        register.setAttribute("host", host);
        register.setAttribute("port", port);
        return register;
    }

    @Test
    public void aRegisteredClientHearsOfEachDeliveryAndTheRegistrationIsKept() throws Exception {
        try (DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            client.setSoTimeout(5000);
            new NewMailNotification(CONFIG, configurationAdmin).handle(register("127.0.0.1", String.valueOf(client.getLocalPort())), BOB_CALLING);

            NewMailNotification restarted = new NewMailNotification(CONFIG, configurationAdmin);
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
        NewMailNotification plugin = new NewMailNotification(CONFIG, configurationAdmin);
        assertFault(plugin, register("127.0.0.1", "53"), BOB_CALLING, "give a host and a port from 1024 to 65535");
        assertFault(plugin, register("127.0.0.1", "2525"),
                ProcessingEnvironment.of(Address.parse("val@c.test"), AuthenticationMethod.FEDERATED_TOKEN, false),
                "only users of this server can be notified");
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
