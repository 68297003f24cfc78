package org.wsemail.itests.e2e;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.wsemail.itests.e2e.ServerProcess.passwordFile;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.w3c.dom.Element;
import org.wsemail.api.Address;
import org.wsemail.client.WsemailClient;
import org.wsemail.client.WsemailException;
import org.wsemail.messaging.InstantMessages;
import org.wsemail.messaging.InstantMessages.Delivery;
import org.wsemail.security.Pki;
import org.wsemail.security.SamlTokens;
import org.wsemail.wire.soap.Flag;
import org.wsemail.wire.soap.Header;

/**
 * Instant messaging and the party line between two real servers (a.test on 127.0.0.7, b.test on
 * 127.0.0.8), found through SRV records on dnsmasq, with the plug-ins installed as an administrator
 * installs them, and users at the distribution's {@code bin/wsemail}.
 */
public class InstantMessagingIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pki.CertifiedKey CA = Pki.createAuthority("IM test CA", Duration.ofDays(1));
    private static final String VERSION = System.getProperty("wsemail.version");
    private static final String ALICE = "alice@a.test";
    private static final String ANNE = "anne@a.test";
    private static final String BOB = "bob@b.test";
    private static final String CARL = "carl@b.test";
    private static final String PASSWORD = "im-password-123";
    private static final String P12_SECRET = "im-p12-secret";

    private static Path root;
    private static Path caPem;
    private static TwoDomains domains;
    private static ServerProcess a;
    private static ServerProcess b;

    @BeforeClass
    public static void startTwoDomains() throws Exception {
        domains = new TwoDomains("e2e-im", CA, 18500, 18600);
        root = domains.root;
        caPem = domains.caPem;
        a = domains.a;
        b = domains.b;
        String password = passwordFile(PASSWORD);
        a.shell("wsemail:user-add --password-file " + password + " " + ALICE, "wsemail:user-add --password-file " + password + " " + ANNE);
        b.shell("wsemail:user-add --password-file " + password + " " + BOB, "wsemail:user-add --password-file " + password + " " + CARL);
        for (ServerProcess server : List.of(a, b)) {
            // The test's clients listen on loopback, an internal address: the administrator allows it here.
            installInstantMessaging(server);
        }
    }

    private static void installInstantMessaging(ServerProcess server) throws Exception {
        String installed = server.shell("config:edit org.wsemail.plugins.instantmessaging",
                "config:property-set allow.private.targets true", "config:update",
                "wsemail:plugin-install mvn:org.wsemail.plugins/instant-messaging/" + VERSION);
        assertTrue(installed, installed.contains("instant-messaging"));
    }

    @AfterClass
    public static void stopTwoDomains() throws Exception {
        if (domains != null) {
            domains.close();
        }
    }

    private static WsemailClient client(ServerProcess server, String user) {
        return new WsemailClient(server.base(), Address.parse(user), PASSWORD.toCharArray(), Set.of(new TrustAnchor(CA.certificate(), null)));
    }

    private static InstantMessages im(ServerProcess server, String user) {
        return new InstantMessages(client(server, user));
    }

    /** {@code wsemail im listen} as {@code user}, once it says it listens. */
    private static ClientProcess listen(ServerProcess server, String user, String... options) throws Exception {
        List<String> line = new java.util.ArrayList<>(List.of("--server", server.base().toString(), "--user", user, "--trust",
                caPem.toString(), "im", "listen"));
        line.addAll(List.of(options));
        ClientProcess listener = new ClientProcess(server.home, PASSWORD, line.toArray(new String[0]));
        listener.await("that it listens", l -> l.startsWith("Listening for instant messages to " + user), WAIT);
        return listener;
    }

    private static Optional<Header> inMailbox(ServerProcess server, String user, String subject) throws WsemailException {
        return client(server, user).inbox(Instant.EPOCH).stream().filter(h -> h.getSubject().equals(subject)).findFirst();
    }

    @Test
    public void aListeningClientGetsTheMessagePushedAndTheSenderLearnsItWasDeliveredLive() throws Exception {
        try (ClientProcess bob = listen(b, BOB, "--count", "1", "--timeout", "120")) {
            assertTrue(bob.lines().get(0), bob.lines().get(0).contains("pushed to https://"));
            List<Delivery> sent = im(a, ALICE).send(List.of(Address.parse(BOB)), "Lunch at noon?", false);
            assertEquals(sent.toString(), "CONSUMED", sent.get(0).outcome());
            assertEquals("instant-messaging: delivered live to 1 client(s)", sent.get(0).detail());
            bob.await("the message, its signature verified", l -> l.equals("alice@a.test: Lunch at noon?"), WAIT);
            assertEquals(0, bob.exit(WAIT));
        }
        assertTrue("delivered live, so not in the mailbox", inMailbox(b, BOB, "Lunch at noon?").isEmpty());
    }

    @Test
    public void aClientThatCannotBePushedToGetsTheMessageWhenItPolls() throws Exception {
        try (ClientProcess bob = listen(b, BOB, "--push", "no", "--count", "1", "--timeout", "120")) {
            assertTrue(bob.lines().get(0), bob.lines().get(0).contains("(polling)"));
            ClientProcess anne = new ClientProcess(a.home, PASSWORD, "--server", a.base().toString(), "--user", ANNE, "--trust",
                    caPem.toString(), "im", "send", "--to", BOB, "Polling works too");
            anne.await("the outcome", l -> l.equals("bob@b.test: instant-messaging: delivered live to 1 client(s)"), WAIT);
            assertEquals(0, anne.exit(WAIT));
            bob.await("the message", l -> l.equals("anne@a.test: Polling works too"), WAIT);
            assertEquals(0, bob.exit(WAIT));
        }
    }

    @Test
    public void nobodyListeningMeansTheMailboxWithItsFlagOrNothingWhenTheSenderSaidDrop() throws Exception {
        Delivery stored = im(a, ALICE).send(List.of(Address.parse(CARL)), "Are you there?", false).get(0);
        assertEquals("STORED", stored.outcome());
        assertTrue(stored.describe(), stored.describe().startsWith("not online: in the mailbox"));
        Header header = inMailbox(b, CARL, "Are you there?").orElseThrow(() -> new AssertionError("not in carl's mailbox"));
        assertTrue("the mailbox shows it was an instant message", header.getFlag().contains(Flag.INSTANT_MESSAGE));

        ClientProcess alice = new ClientProcess(a.home, PASSWORD, "--server", a.base().toString(), "--user", ALICE, "--trust",
                caPem.toString(), "im", "send", "--to", CARL, "--offline", "drop", "Only if you are online");
        alice.await("the outcome", l -> l.equals("carl@b.test: dropped (instant-messaging: dropped: carl@b.test is not online)"), WAIT);
        assertEquals(0, alice.exit(WAIT));
        assertTrue("dropped, as asked", inMailbox(b, CARL, "Only if you are online").isEmpty());
    }

    private static Path certificate(ServerProcess server, String user) throws Exception {
        Path p12 = root.resolve(user + ".p12");
        if (!Files.exists(p12)) {
            if (!Files.exists(server.home.resolve("etc/wsemail-ca.pem"))) {
                server.shell("wsemail:ca-create");
            }
            server.shell("wsemail:cert-issue-user --password-file " + passwordFile(P12_SECRET) + " --out " + p12 + " " + user);
        }
        return p12;
    }

    @Test
    public void aClientAwayFromHomeSendsStraightToTheRecipientsServerWithATokenFromItsOwn() throws Exception {
        Path aliceP12 = certificate(a, ALICE);
        try (ClientProcess bob = listen(b, BOB, "--count", "1", "--timeout", "120")) {
            ClientProcess alice = new ClientProcess(a.home, P12_SECRET, "--server", a.base().toString(), "--certificate",
                    aliceP12.toString(), "--trust", caPem.toString(), "im", "send", "--to", BOB, "--direct", b.base().toString(),
                    "Straight to your server");
            alice.await("the outcome", l -> l.equals("bob@b.test: instant-messaging: delivered live to 1 client(s)"), WAIT);
            assertEquals(0, alice.exit(WAIT));
            String shown = bob.await("the message", l -> l.startsWith("alice@a.test: Straight to your server"), WAIT);
            assertEquals("signed by b.test, which took it from alice directly on a.test's token: verified", "alice@a.test: Straight to your server",
                    shown);
            assertEquals(0, bob.exit(WAIT));
        }

        // A token for alice that claims to come from c.test: b.test refuses it, nothing is delivered.
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(aliceP12)) {
            store.load(in, P12_SECRET.toCharArray());
        }
        X509Certificate aliceKey = (X509Certificate) store.getCertificate(store.aliases().nextElement());
        Pki.CertifiedKey cServer = Pki.issueServerCertificate(CA, "c.test", Duration.ofDays(1));
        Element forged = SamlTokens.issue(cServer, List.of(cServer.certificate(), CA.certificate()), "c.test", ALICE, aliceKey, "b.test",
                Instant.now(), Duration.ofMinutes(5));
        try {
            new InstantMessages(WsemailClient.visiting(b.base(), "b.test", forged, aliceP12, P12_SECRET.toCharArray(),
                    Set.of(new TrustAnchor(CA.certificate(), null)))).send(List.of(Address.parse(BOB)), "Forged IM", false);
            fail("b.test took an instant message on a token from the wrong issuer");
        } catch (WsemailException expected) {
            assertEquals(WsemailException.NOT_AUTHENTICATED, expected.code());
        }
        assertTrue(inMailbox(b, BOB, "Forged IM").isEmpty());
    }

    @Test
    public void aUsersAccessListDecidesWhoReachesThemLiveAndTheRestGoToTheMailboxOrAreRefused() throws Exception {
        InstantMessages bob = im(b, BOB);
        try {
            assertEquals("list", bob.access("list").mode());
            bob.allow(Address.parse(ANNE));
            try (ClientProcess listening = listen(b, BOB, "--count", "1", "--timeout", "120")) {
                Delivery fromAlice = im(a, ALICE).send(List.of(Address.parse(BOB)), "Not on the list", false).get(0);
                assertEquals("not on bob's list: to his mailbox", "STORED", fromAlice.outcome());
                im(a, ANNE).send(List.of(Address.parse(BOB)), "On the list", false);
                listening.await("anne's message", l -> l.equals("anne@a.test: On the list"), WAIT);
                assertEquals(0, listening.exit(WAIT));
                assertFalse("alice's, sent first, was not shown live", listening.lines().stream().anyMatch(l -> l.contains("Not on the list")));
            }
            assertTrue(inMailbox(b, BOB, "Not on the list").isPresent());

            b.shell("config:edit org.wsemail.plugins.instantmessaging", "config:property-set refused.senders refuse", "config:update");
            long deadline = System.nanoTime() + WAIT.toNanos();
            Delivery refused;
            do {
                refused = im(a, ALICE).send(List.of(Address.parse(BOB)), "Refused now", true).get(0);
            } while (!"REFUSED".equals(refused.outcome()) && System.nanoTime() < deadline);
            assertEquals("refused: bob@b.test does not take instant messages from alice@a.test", refused.describe());
        } finally {
            b.shell("config:edit org.wsemail.plugins.instantmessaging", "config:property-set refused.senders mailbox", "config:update");
            bob.access("everyone");
            bob.allow(Address.parse(ALICE));
        }
    }

    @Test
    public void uninstallingThePlugInMidConversationLosesNothing() throws Exception {
        try (ClientProcess bob = listen(b, BOB, "--count", "1", "--timeout", "120")) {
            im(a, ALICE).send(List.of(Address.parse(BOB)), "Before the uninstall", false);
            bob.await("the first message", l -> l.equals("alice@a.test: Before the uninstall"), WAIT);
            String removed = b.shell("wsemail:plugin-uninstall instant-messaging");
            assertTrue(removed, removed.contains("instant-messaging"));
            try {
                Delivery after = im(a, ALICE).send(List.of(Address.parse(BOB)), "After the uninstall", false).get(0);
                assertEquals("no plug-in at b.test: mail", "STORED", after.outcome());
                assertTrue("nothing lost: in the mailbox", inMailbox(b, BOB, "After the uninstall").isPresent());
            } finally {
                installInstantMessaging(b);
            }
        }
    }

    /** A TLS connection to a party line presenting {@code certificate}, trusting the server the invitation names. */
    private static String joinRaw(String host, int port, String channel, Pki.CertifiedKey certificate, String fingerprint) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("k", certificate.keyPair().getPrivate(), "pw".toCharArray(), new Certificate[] {certificate.certificate()});
        KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        managers.init(keys, "pw".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(managers.getKeyManagers(), new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws java.security.cert.CertificateException {
                try {
                    String presented = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                            .digest(chain[0].getEncoded()));
                    if (!presented.equals(fingerprint)) {
                        throw new java.security.cert.CertificateException("not the invitation's server");
                    }
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new java.security.cert.CertificateException(e);
                }
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(host, port)) {
            socket.setSoTimeout(30_000);
            Writer out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8);
            out.write("JOIN " + channel + "\n");
            out.flush();
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)).readLine();
        }
    }

    @Test
    public void threeMembersTalkOnAPartyLineAndAFourthWithoutATrustedCertificateIsRefused() throws Exception {
        int port = 18549;
        String installed = a.shell("config:edit org.wsemail.plugins.partyline", "config:property-set port " + port,
                "config:property-set bind " + a.ip, "config:property-set host " + a.ip, "config:update",
                "wsemail:plugin-install mvn:org.wsemail.plugins/party-line/" + VERSION);
        assertTrue(installed, installed.contains("party-line"));
        Path aliceP12 = certificate(a, ALICE);
        Path anneP12 = certificate(a, ANNE);
        Path bobP12 = certificate(b, BOB);
        // a.test takes b.test's own authority's word for b.test's users.
        String trusted = a.shell("wsemail:trust-add --domains b.test " + b.home.resolve("etc/wsemail-ca.pem"));
        assertTrue(trusted, trusted.contains("for b.test"));

        try (ClientProcess alice = new ClientProcess(a.home, P12_SECRET, "--server", a.base().toString(), "--certificate",
                aliceP12.toString(), "--trust", caPem.toString(), "party", "start", "--with", ANNE + "," + BOB + ",dan@b.test",
                "--expires", "600")) {
            String opened = alice.await("the channel", l -> l.startsWith("Party line "), WAIT);
            String channel = opened.split(" ")[2];
            alice.await("that she joined", l -> l.startsWith("WELCOME " + channel), WAIT);
            assertTrue(alice.lines().toString(), alice.lines().stream().anyMatch(l -> l.startsWith("  invited dan@b.test: refused")));

            try (ClientProcess anne = new ClientProcess(a.home, P12_SECRET, "--server", a.base().toString(), "--certificate",
                    anneP12.toString(), "--trust", caPem.toString(), "party", "join", channel);
                    ClientProcess bob = new ClientProcess(b.home, P12_SECRET, "--server", b.base().toString(), "--certificate",
                            bobP12.toString(), "--trust", caPem.toString(), "party", "join", channel)) {
                anne.await("that she joined", l -> l.startsWith("WELCOME " + channel), WAIT);
                bob.await("that he joined", l -> l.startsWith("WELCOME " + channel), WAIT);
                alice.await("bob joining", l -> l.equals("* bob@b.test joined"), WAIT);

                Pki.CertifiedKey nobodysCa = Pki.createAuthority("Nobody's CA", Duration.ofDays(1));
                String fingerprint = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(a.tlsCertificate().getEncoded()));
                String refusal = joinRaw(a.ip, port, channel, Pki.issueUserCertificate(nobodysCa, "dan@b.test", Duration.ofDays(1)),
                        fingerprint);
                assertTrue(refusal, refusal.startsWith("REFUSED the certificate of dan@b.test is not trusted here"));

                anne.type("Hello, party!");
                alice.await("anne's line", l -> l.equals("anne@a.test: Hello, party!"), WAIT);
                bob.await("anne's line, across domains", l -> l.equals("anne@a.test: Hello, party!"), WAIT);
                bob.type("Hi from b.test");
                anne.await("bob's line", l -> l.equals("bob@b.test: Hi from b.test"), WAIT);

                bob.endInput();
                assertEquals(0, bob.exit(WAIT));
                alice.await("bob leaving", l -> l.equals("* bob@b.test left"), WAIT);
                anne.endInput();
                assertEquals(0, anne.exit(WAIT));
            }
            alice.endInput();
            assertEquals(0, alice.exit(WAIT));
        }
    }
}
