package org.wsemail.itests.e2e;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.wsemail.itests.e2e.ServerProcess.passwordFile;

import java.io.ByteArrayInputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.TrustAnchor;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.apache.james.jdkim.DKIMVerifier;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.wsemail.api.Address;
import org.wsemail.api.Attachment;
import org.wsemail.api.MessageFlag;
import org.wsemail.client.ReadMessage;
import org.wsemail.client.WsemailClient;
import org.wsemail.dns.internal.Dnsmasq;
import org.wsemail.security.Pki;
import org.wsemail.wire.soap.Header;

/**
 * The SMTP gateway between a real WSEmail server (a.test, feature {@code wsemail-smtp} installed
 * while it runs) and a real Postfix, the Internet mail server of legacy.test; dnsmasq publishes
 * legacy.test's MX record and a.test's DKIM key. swaks plays the odd Internet senders.
 */
public class SmtpGatewayIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pki.CertifiedKey CA = Pki.createAuthority("SMTP gateway test CA", Duration.ofDays(1));
    private static final String PASSWORD = "smtp-gateway-password-1";
    private static final String IP = "127.0.0.7";
    private static final int GATEWAY_PORT = 18925;
    private static final int POSTFIX_PORT = 18926;
    private static final int MAX_BYTES = 65_536;
    private static final Address ALICE = Address.parse("alice@a.test");

    private static ServerProcess a;
    private static Dnsmasq dns;
    private static PostfixPeer postfix;
    private static Path root;
    private static String dkimRecord;

    @BeforeClass
    public static void startServerAndPostfix() throws Exception {
        root = Path.of("target", "e2e-smtp").toAbsolutePath();
        ServerProcess.deleteRecursively(root);
        Files.createDirectories(root);
        a = new ServerProcess(Path.of(System.getProperty("wsemail.assembly")), root, "a.test", IP, 18900);
        a.credentials(CA);
        a.write("org.wsemail.smtp.cfg", "port = " + GATEWAY_PORT, "bind.address = " + IP, "outbound.port = " + POSTFIX_PORT,
                "max.message.bytes = " + MAX_BYTES, "timeout.ms = 10000");
        dkimRecord = "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(serverKey(a).getEncoded());
        dns = new Dnsmasq(60, List.of("mx.legacy.test,127.0.0.1", "mail.a.test," + IP),
                List.of("--mx-host=legacy.test,mx.legacy.test,10", "--txt-record=legacy.test,v=spf1 ip4:127.0.0.1 -all",
                        "--txt-record=wsemail._domainkey.a.test," + txtStrings(dkimRecord)),
                "_wsemail._tcp.a.test,mail.a.test," + a.tlsPort + ",10,0");
        a.nameServer(dns.address());
        a.start();
        String out = a.shell("wsemail:user-add --password-file " + passwordFile(PASSWORD) + " " + ALICE,
                "feature:install wsemail-smtp");
        assertTrue(out, out.contains("Added user alice@a.test"));
        await("the gateway listening on " + GATEWAY_PORT, () -> listening(IP, GATEWAY_PORT));
        postfix = new PostfixPeer(root.resolve("postfix"), POSTFIX_PORT, "a.test", IP + ":" + GATEWAY_PORT, "alice@a.test");
        await("Postfix listening on " + POSTFIX_PORT, () -> listening("127.0.0.1", POSTFIX_PORT));
    }

    @AfterClass
    public static void stopAll() throws Exception {
        for (AutoCloseable running : new AutoCloseable[] {postfix, a, dns}) {
            if (running != null) {
                running.close();
            }
        }
    }

    /** The public key of the server's key pair, which signs its outgoing Internet mail. */
    private static java.security.PublicKey serverKey(ServerProcess server) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(server.home.resolve("etc/wsemail-server.p12").toFile())) {
            store.load(in, "key-store-secret".toCharArray());
        }
        return store.getCertificate("server").getPublicKey();
    }

    /** A TXT value longer than one DNS string (255 bytes), as dnsmasq takes it: strings separated by commas. */
    private static String txtStrings(String value) {
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < value.length(); i += 200) {
            strings.add(value.substring(i, Math.min(value.length(), i + 200)));
        }
        return String.join(",", strings);
    }

    private static boolean listening(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void await(String what, Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + WAIT.toSeconds() + " s for " + what);
            }
            Thread.sleep(200);
        }
    }

    private static WsemailClient alice() {
        return new WsemailClient(a.base(), ALICE, PASSWORD.toCharArray(), Set.of(new TrustAnchor(CA.certificate(), null)));
    }

    /** Waits for a message with this subject in alice's mailbox and reads it. */
    private static ReadMessage awaitMessage(String subject) throws Exception {
        WsemailClient alice = alice();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Header> header = alice.inbox(Instant.EPOCH).stream().filter(h -> h.getSubject().equals(subject)).findFirst();
            if (header.isPresent()) {
                return alice.read(header.get().getId());
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no message '" + subject + "' reached alice; gateway log:\n" + a.logSince(0));
    }

    private static int inboxSize() throws Exception {
        return alice().inbox(Instant.EPOCH).size();
    }

    private static String attachment(ReadMessage read, String name) {
        return read.message().attachments().stream().filter(x -> x.name().equals(name)).findFirst()
                .map(x -> new String(x.content(), StandardCharsets.UTF_8))
                .orElseThrow(() -> new AssertionError("no attachment " + name + " in " + read.message().attachments()));
    }

    /** Waits for a message in Postfix's mailboxes that contains {@code text}. */
    private static String awaitAtPostfix(String text) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (byte[] message : postfix.mailbox()) {
                String raw = new String(message, StandardCharsets.UTF_8);
                if (raw.contains(text)) {
                    return raw;
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("nothing with '" + text + "' reached legacy.test; Postfix log:\n" + postfix.log()
                + "\nqueue:\n" + a.shell("wsemail:queue-list --no-format"));
    }

    private record Swaks(int exit, String output) {
        /** The server's replies only (what swaks sent can be long). */
        String replies() {
            return output.lines().filter(l -> l.startsWith("<") || l.startsWith("***")).collect(java.util.stream.Collectors.joining("\n"));
        }
    }

    private static Swaks swaks(String... arguments) throws Exception {
        List<String> line = new ArrayList<>(List.of("swaks", "--timeout", "30"));
        line.addAll(List.of(arguments));
        Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue("swaks did not finish", process.waitFor(60, TimeUnit.SECONDS));
        return new Swaks(process.exitValue(), output);
    }

    private static Swaks toGateway(String... arguments) throws Exception {
        List<String> line = new ArrayList<>(List.of("--server", IP, "--port", String.valueOf(GATEWAY_PORT)));
        line.addAll(List.of(arguments));
        return swaks(line.toArray(new String[0]));
    }

    private static String unique(String subject) {
        return subject + " " + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    public void mailRelayedByPostfixLandsInTheInboxAsInternetMailSignedByTheGatewayNotTheSender() throws Exception {
        String subject = unique("From the Internet");
        Swaks sent = swaks("--server", "127.0.0.1", "--port", String.valueOf(POSTFIX_PORT), "--from", "carol@legacy.test",
                "--to", "alice@a.test", "--header", "Subject: " + subject, "--body", "Hello Alice, from Postfix.");
        assertEquals(sent.replies(), 0, sent.exit());

        ReadMessage read = awaitMessage(subject);

        assertEquals(Address.parse("carol@legacy.test"), read.message().sender());
        assertTrue(read.message().body(), read.message().body().contains("Hello Alice, from Postfix."));
        assertTrue("flagged as legacy mail", read.message().hasFlag(MessageFlag.LEGACY_MAIL));
        assertTrue(read.signatureReport(), read.verified());
        assertEquals("Internet mail (SMTP), not signed by legacy.test: taken in and signed by your own server's gateway a.test",
                read.signatureReport());
        String trace = attachment(read, "smtp-trace.txt");
        assertTrue(trace, trace.contains("Envelope sender: <carol@legacy.test>") && trace.contains("Client: 127.0.0.1")
                && trace.contains("Encrypted (STARTTLS): yes") && trace.contains("DKIM: none")
                && trace.contains("SPF: pass") && trace.contains("for 127.0.0.1 sending as carol@legacy.test"));
        String headers = alice().inbox(Instant.EPOCH).stream().filter(h -> h.getSubject().equals(subject)).findFirst()
                .orElseThrow().getFlag().toString();
        assertTrue("the inbox shows the mark: " + headers, headers.contains("LEGACY_MAIL"));
    }

    @Test
    public void aWsemailUserWritesToAPostfixUserOverStartTlsDkimSignedWithTheDomainsKey() throws Exception {
        String subject = unique("To the Internet");
        alice().send(List.of(Address.parse("carol@legacy.test")), subject, "Hello Carol, from WSEmail.",
                List.of(new Attachment("numbers.csv", "text/csv", "a,b\r\n1,2\r\n".getBytes(StandardCharsets.US_ASCII))));

        String raw = awaitAtPostfix(subject);

        assertTrue(raw, raw.contains("From: alice@a.test") && raw.contains("Hello Carol, from WSEmail")
                && raw.contains("filename=numbers.csv"));
        DKIMVerifier verifier = new DKIMVerifier((method, selector, token) -> {
            assertEquals("wsemail._domainkey.a.test", selector + "._domainkey." + token);
            return List.of(dkimRecord);
        });
        assertEquals("one DKIM signature of a.test, valid as Postfix stored the message", 1,
                verifier.verify(new ByteArrayInputStream(raw.getBytes(StandardCharsets.UTF_8))).size());
        assertTrue("the gateway used STARTTLS:\n" + postfix.log(), postfix.log().contains("TLS connection established from localhost[127.0.0.1]"));
        String status = a.shell("wsemail:smtp-status");
        assertTrue(status, status.contains("carol@legacy.test CONSUMED") && status.contains("listening on port " + GATEWAY_PORT)
                && status.contains("wsemail._domainkey.a.test TXT \"" + dkimRecord + "\""));
    }

    @Test
    public void aRecipientThatPostfixRefusesForGoodIsBouncedToTheSenderWithPostfixsWords() throws Exception {
        String subject = unique("To a closed mailbox");
        alice().send(List.of(Address.parse(PostfixPeer.CLOSED)), subject, "Is anyone there?");

        ReadMessage bounce = awaitMessage("Undelivered mail: " + subject);

        assertEquals(Address.parse("postmaster@a.test"), bounce.message().sender());
        assertTrue(bounce.message().body(), bounce.message().body().contains(PostfixPeer.CLOSED)
                && bounce.message().body().contains("554 5.7.1") && bounce.message().body().contains("this mailbox is closed"));
        assertFalse("nothing was stored at legacy.test", postfix.mailbox().stream()
                .anyMatch(m -> new String(m, StandardCharsets.UTF_8).contains(subject)));
    }

    @Test
    public void mailThatGoesOutAndComesBackCarriesAPassingDkimResult() throws Exception {
        String subject = unique("Round trip");
        alice().send(List.of(Address.parse("loop@legacy.test")), subject, "Out through the gateway and back in.");

        ReadMessage read = awaitMessage(subject);

        assertTrue(read.message().hasFlag(MessageFlag.LEGACY_MAIL));
        String trace = attachment(read, "smtp-trace.txt");
        assertTrue(trace, trace.contains("DKIM: pass (d=a.test, s=wsemail)"));
    }

    @Test
    public void relayingUnknownRecipientsAndOversizeMessagesAreRefusedAndNothingIsStored() throws Exception {
        int before = inboxSize();

        Swaks relay = toGateway("--from", "carol@legacy.test", "--to", "bob@elsewhere.test");
        assertNotEquals(relay.replies(), 0, relay.exit());
        assertTrue(relay.replies(), relay.replies().contains("550 5.7.1 <bob@elsewhere.test>: relaying denied"));

        Swaks unknown = toGateway("--from", "carol@legacy.test", "--to", "nobody@a.test");
        assertTrue(unknown.replies(), unknown.replies().contains("550 5.1.1 <nobody@a.test>: no such user here"));

        Swaks oversize = toGateway("--from", "carol@legacy.test", "--to", "alice@a.test", "--header", "Subject: too big",
                "--body", ("x".repeat(70) + "\n").repeat(MAX_BYTES / 70 + 100));
        assertTrue(oversize.replies(), oversize.replies().contains("552 5.3.4 message too big"));

        assertEquals("nothing refused was stored", before, inboxSize());
        String status = a.shell("wsemail:smtp-status");
        assertTrue(status, status.contains("relaying denied") && status.contains("no such user here") && status.contains("552"));

        String subject = unique("Straight to the gateway");
        Swaks tls = toGateway("--tls", "--from", "carol@legacy.test", "--to", "alice@a.test", "--header", "Subject: " + subject);
        assertEquals(tls.replies(), 0, tls.exit());
        assertTrue(attachment(awaitMessage(subject), "smtp-trace.txt").contains("Encrypted (STARTTLS): yes"));
    }

    @Test
    public void aSenderThatTheDomainsSpfPolicyDoesNotAllowIsRecordedAsSuchNotRefused() throws Exception {
        String subject = unique("From an address legacy.test does not send from");
        Swaks sent = toGateway("--local-interface", "127.0.0.2", "--from", "carol@legacy.test", "--to", "alice@a.test",
                "--header", "Subject: " + subject);
        assertEquals(sent.replies(), 0, sent.exit());

        String trace = attachment(awaitMessage(subject), "smtp-trace.txt");

        assertTrue(trace, trace.contains("SPF: fail") && trace.contains("for 127.0.0.2 sending as carol@legacy.test"));
    }

    @Test
    public void theGatewayIsRemovedAndInstalledWhileTheServerRunsAndWithoutItSuchMailIsBounced() throws Exception {
        a.shell("feature:uninstall wsemail-smtp");
        try {
            await("the SMTP port closed", () -> !listening(IP, GATEWAY_PORT));
            String subject = unique("Without the gateway");
            alice().send(List.of(Address.parse("carol@legacy.test")), subject, "Nobody to carry this.");
            ReadMessage bounce = awaitMessage("Undelivered mail: " + subject);
            assertTrue(bounce.message().body(), bounce.message().body().contains("publishes no WSEmail server"));
        } finally {
            a.shell("feature:install wsemail-smtp");
        }
        await("the gateway listening again", () -> listening(IP, GATEWAY_PORT));
        String subject = unique("With the gateway back");
        alice().send(List.of(Address.parse("carol@legacy.test")), subject, "Carried again.");
        assertTrue(awaitAtPostfix(subject).contains("Carried again"));
    }

    @Test
    public void aMalformedMimeMessageIsAcceptedWithoutLossItsBytesAttachedAsTheyArrived() throws Exception {
        String subject = unique("Broken MIME");
        Path data = root.resolve("broken.eml");
        Files.writeString(data, String.join("\r\n", "From: carol@legacy.test", "To: alice@a.test", "Subject: " + subject,
                "MIME-Version: 1.0", "Content-Type: multipart/mixed; boundary=\"never-closed\"", "", "--never-closed",
                "Content-Type: text/plain", "", "The part that can be read", "") + "\r\n");
        Swaks sent = toGateway("--from", "carol@legacy.test", "--to", "alice@a.test", "--data", data.toString());
        assertEquals(sent.replies(), 0, sent.exit());

        ReadMessage read = awaitMessage(subject);

        assertTrue(read.message().body(), read.message().body().startsWith("(This message is not well-formed Internet mail")
                && read.message().body().contains("The part that can be read"));
        String original = attachment(read, "original.eml");
        assertTrue(original, original.contains("boundary=\"never-closed\"") && original.contains("The part that can be read"));
    }

    @Test
    public void whilePostfixIsDownTheMessageWaitsInTheQueueAndArrivesWhenItIsBack() throws Exception {
        String subject = unique("Sent while Postfix was down");
        postfix.stop();
        try {
            String id = alice().send(List.of(Address.parse("dave@legacy.test")), subject, "It waited in the queue.");
            String[] queued = {""};
            await("the message waiting in the queue with the reason", () -> {
                try {
                    queued[0] = a.shell("wsemail:queue-list --no-format");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return queued[0].contains(id) && queued[0].contains("mx.legacy.test");
            });
            assertTrue(queued[0], queued[0].contains("dave@legacy.test"));
        } finally {
            postfix.start();
        }
        assertTrue(awaitAtPostfix(subject).contains("It waited in the queue"));
        await("the queue emptied", () -> {
            try {
                return !a.shell("wsemail:queue-list --no-format").contains("dave@legacy.test");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
