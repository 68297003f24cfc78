package org.wsemail.plugins.instantmessaging;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.junit.Test;
import org.w3c.dom.Element;
import org.wsemail.api.Address;
import org.wsemail.api.AuthenticationMethod;
import org.wsemail.api.MailMessage;
import org.wsemail.api.MessageFlag;
import org.wsemail.api.ProcessingEnvironment;
import org.wsemail.api.plugin.DeliveryDecision;
import org.wsemail.api.plugin.DeliveryReport;
import org.wsemail.api.plugin.ExtensionException;
import org.wsemail.api.plugin.PluginXml;
import org.wsemail.security.Pki;
import org.wsemail.testing.Configs;
import org.wsemail.testing.RecordingMailContext;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

/** Presence, live delivery by poll and by push, the fallbacks, and who may message whom. */
public class InstantMessagingTest {
    private static final Address BOB = Address.parse("bob@b.test");
    private static final Address ALICE = Address.parse("alice@a.test");
    private static final ProcessingEnvironment BOB_CALLING = ProcessingEnvironment.of(BOB, AuthenticationMethod.USERNAME_TOKEN, true);
    private static final String SIGNED = "<message xmlns=\"http://wsemail.org/2026/mail\"><body>hi</body><Signature/></message>";

    private final RecordingMailContext context = new RecordingMailContext("b.test", BOB);

    private static InstantMessaging plugin(RecordingMailContext context, Object... settings) {
        Configs<InstantMessaging.Config> config = Configs.of(InstantMessaging.Config.class).with("handover_wait_ms", 2_000)
                .with("allow_private_targets", true);
        for (int i = 0; i < settings.length; i += 2) {
            config.with((String) settings[i], settings[i + 1]);
        }
        return new InstantMessaging(config.build(), context);
    }

    private static ProcessingEnvironment delivering() {
        return ProcessingEnvironment.of(ALICE, AuthenticationMethod.SERVER_CERTIFICATE, false).forRecipient(BOB)
                .withSignedMessage(SIGNED);
    }

    private static MailMessage im(MessageFlag... more) {
        MailMessage.Builder builder = MailMessage.builder().sender(ALICE).recipient(BOB).subject("hi").body("hi")
                .flag(MessageFlag.INSTANT_MESSAGE);
        for (MessageFlag flag : more) {
            builder.flag(flag);
        }
        return builder.build();
    }

    private static Element request(String name, String... attributes) {
        Element request = PluginXml.answer(name);
        for (int i = 0; i < attributes.length; i += 2) {
            request.setAttribute(attributes[i], attributes[i + 1]);
        }
        return request;
    }

    private static String register(InstantMessaging plugin) throws ExtensionException {
        return plugin.handle(request("register", "expires", "60"), BOB_CALLING).getAttribute("client");
    }

    @Test
    public void aPollingClientTakesTheMessageAndItIsConsumedAsDeliveredLive() throws Exception {
        InstantMessaging plugin = plugin(context);
        String client = register(plugin);
        CompletableFuture<Element> poll = CompletableFuture.supplyAsync(() -> {
            try {
                return plugin.handle(request("poll", "client", client, "wait", "10"), BOB_CALLING);
            } catch (ExtensionException e) {
                throw new IllegalStateException(e);
            }
        });
        DeliveryDecision decision = plugin.deliver(im(), BOB, delivering());
        assertTrue(decision.isConsumed());
        assertEquals("delivered live to 1 client(s)", decision.consumedAs().orElseThrow());
        Element messages = poll.get(10, TimeUnit.SECONDS);
        assertEquals("the signed XML, as its server signed it", SIGNED, PluginXml.childText(messages, "message"));
    }

    @Test
    public void nobodyOnlineMeansTheMailboxOrDroppedWhenTheSenderAsked() throws Exception {
        InstantMessaging plugin = plugin(context, "handover_wait_ms", 50);
        assertFalse("plain mail passes", plugin.deliver(im().toBuilder().flags(java.util.Set.of()).build(), BOB, delivering())
                .isConsumed());
        assertFalse("no client: to the mailbox", plugin.deliver(im(), BOB, delivering()).isConsumed());
        DeliveryDecision dropped = plugin.deliver(im(MessageFlag.DELETE_IF_UNDELIVERABLE), BOB, delivering());
        assertEquals("dropped: bob@b.test is not online", dropped.consumedAs().orElseThrow());

        register(plugin);
        assertFalse("a client that never polls does not count as reached", plugin.deliver(im(), BOB, delivering()).isConsumed());
    }

    @Test
    public void aClientWithItsOwnHttpsEndpointGetsTheMessagePushedToTheCertificateItNamed() throws Exception {
        Pki.CertifiedKey own = Pki.issueServerCertificate(Pki.createAuthority("client", Duration.ofDays(1)), "client", Duration.ofDays(1));
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("k", own.keyPair().getPrivate(), "pw".toCharArray(), new java.security.cert.Certificate[] {own.certificate()});
        KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        managers.init(keys, "pw".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(managers.getKeyManagers(), null, null);
        HttpsServer endpoint = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        endpoint.setHttpsConfigurator(new HttpsConfigurator(tls));
        List<String> pushed = new CopyOnWriteArrayList<>();
        endpoint.createContext("/im", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                pushed.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        endpoint.start();
        try {
            String fingerprint = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(own.certificate().getEncoded()));
            String url = "https://127.0.0.1:" + endpoint.getAddress().getPort() + "/im";
            InstantMessaging plugin = plugin(context, "handover_wait_ms", 50);
            Element register = request("register", "expires", "60");
            PluginXml.add(register, "push").setAttribute("url", url);
            ((Element) register.getLastChild()).setAttribute("fingerprint", fingerprint);
            plugin.handle(register, BOB_CALLING);

            assertEquals("delivered live to 1 client(s)", plugin.deliver(im(), BOB, delivering()).consumedAs().orElseThrow());
            assertEquals(1, pushed.size());
            assertTrue(pushed.get(0), pushed.get(0).contains(PushTarget.envelope(SIGNED).substring(100)));

            InstantMessaging pinnedElsewhere = plugin(context, "handover_wait_ms", 50);
            Element wrongPin = request("register", "expires", "60");
            PluginXml.add(wrongPin, "push").setAttribute("url", url);
            ((Element) wrongPin.getLastChild()).setAttribute("fingerprint", "ab".repeat(32));
            pinnedElsewhere.handle(wrongPin, BOB_CALLING);
            assertFalse("another certificate than the one registered: not pushed", pinnedElsewhere.deliver(im(), BOB, delivering())
                    .isConsumed());
            assertEquals(1, pushed.size());
        } finally {
            endpoint.stop(0);
        }
    }

    @Test
    public void pushEndpointsMustBeHttpsAndPublicByDefault() throws Exception {
        InstantMessaging strict = plugin(context, "allow_private_targets", false);
        Element register = request("register");
        PluginXml.add(register, "push").setAttribute("url", "https://127.0.0.1:9999/im");
        ((Element) register.getLastChild()).setAttribute("fingerprint", "ab".repeat(32));
        assertFault(() -> strict.handle(register, BOB_CALLING), "127.0.0.1 is an internal address (loopback, private or link-local);"
                + " this server pushes to public addresses only; poll instead");
        ((Element) register.getLastChild()).setAttribute("url", "http://192.0.2.1:9999/im");
        assertFault(() -> strict.handle(register, BOB_CALLING), "a push endpoint is an https URL with a host and a port, not"
                + " http://192.0.2.1:9999/im");
        assertFault(() -> strict.handle(request("register"),
                ProcessingEnvironment.of(ALICE, AuthenticationMethod.FEDERATED_TOKEN, false)),
                "only users of b.test have a presence here; a visitor may only send");
    }

    @Test
    public void accessListsDecideWhoGetsThroughLiveAndTheRestGoToTheMailboxOrAreRefused() throws Exception {
        InstantMessaging plugin = plugin(context, "handover_wait_ms", 50);
        plugin.handle(request("access", "mode", "list"), BOB_CALLING);
        assertFalse(plugin.deliver(im(MessageFlag.DELETE_IF_UNDELIVERABLE), BOB, delivering()).isConsumed());
        plugin.handle(request("allow", "address", "alice@a.test"), BOB_CALLING);
        assertTrue("allowed now: dropped as not online", plugin.deliver(im(MessageFlag.DELETE_IF_UNDELIVERABLE), BOB, delivering())
                .isConsumed());
        Element listed = plugin.handle(request("deny", "address", "alice@a.test"), BOB_CALLING);
        assertEquals("list", listed.getAttribute("mode"));
        assertEquals("alice@a.test", PluginXml.child(listed, "blocked").getAttribute("address"));

        InstantMessaging refusing = plugin(context, "refused_senders", "refuse");
        assertEquals("bob@b.test does not take instant messages from alice@a.test",
                refusing.deliver(im(), BOB, delivering()).refusalReason().orElseThrow());
    }

    @Test
    public void sendingReportsWhatBecameOfTheMessageForEachRecipient() throws Exception {
        context.reportFor(new DeliveryReport(ALICE, DeliveryReport.Outcome.CONSUMED, "instant-messaging: delivered live to 1 client(s)"));
        Element send = request("send", "to", "alice@a.test", "drop-if-offline", "true");
        send.setTextContent("Lunch?");
        Element sent = plugin(context).handle(send, BOB_CALLING);
        Element delivery = PluginXml.child(sent, "delivery");
        assertEquals("alice@a.test", delivery.getAttribute("recipient"));
        assertEquals("CONSUMED", delivery.getAttribute("outcome"));
        MailMessage message = context.submitted().get(0);
        assertEquals(java.util.Set.of(MessageFlag.INSTANT_MESSAGE, MessageFlag.DELETE_IF_UNDELIVERABLE), message.flags());
        assertEquals("Lunch?", message.body());
        assertFault(() -> plugin(context).handle(request("send", "to", "alice@a.test"), BOB_CALLING),
                "send <send to=\"ADDRESS,...\">TEXT</send>, with 1 to 65536 characters of text");
    }

    private interface Call {
        void run() throws Exception;
    }

    private static void assertFault(Call call, String message) {
        try {
            call.run();
            fail("accepted; expected: " + message);
        } catch (ExtensionException expected) {
            assertEquals(message, expected.getMessage());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
