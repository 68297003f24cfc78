package org.wsemail.itests.e2e;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.wsemail.itests.e2e.ServerProcess.passwordFile;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.w3c.dom.Element;
import org.wsemail.api.Address;
import org.wsemail.api.Attachment;
import org.wsemail.client.AttachmentTransfer;
import org.wsemail.client.ReadMessage;
import org.wsemail.client.WsemailClient;
import org.wsemail.client.WsemailException;
import org.wsemail.security.Pki;
import org.wsemail.security.SamlTokens;
import org.wsemail.wire.soap.Header;

/**
 * On-demand attachments between two real servers (a.test on 127.0.0.7 with the plug-in installed,
 * b.test on 127.0.0.8 without it), found through SRV records on dnsmasq. Senders and readers use the
 * distribution's {@code bin/wsemail}; a reader of b.test logs in with the certificate b.test issued
 * and fetches from a.test with a token from b.test.
 */
public class AttachmentsIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pki.CertifiedKey CA = Pki.createAuthority("Attachments test CA", Duration.ofDays(1));
    private static final String VERSION = System.getProperty("wsemail.version");
    private static final String ALICE = "alice@a.test";
    private static final String ANNE = "anne@a.test";
    private static final String BOB = "bob@b.test";
    private static final String CARL = "carl@b.test";
    private static final String PASSWORD = "attachments-password-1";
    private static final String P12_SECRET = "attachments-p12-secret";

    private static Path root;
    private static Path caPem;
    private static TwoDomains domains;
    private static ServerProcess a;
    private static ServerProcess b;
    private static Path bobP12;
    private static Path carlP12;

    @BeforeClass
    public static void startTwoDomains() throws Exception {
        domains = new TwoDomains("e2e-attachments", CA, 18700, 18800);
        root = domains.root;
        caPem = domains.caPem;
        a = domains.a;
        b = domains.b;
        String password = passwordFile(PASSWORD);
        a.shell("wsemail:user-add --password-file " + password + " " + ALICE, "wsemail:user-add --password-file " + password + " " + ANNE);
        b.shell("wsemail:user-add --password-file " + password + " " + BOB, "wsemail:user-add --password-file " + password + " " + CARL,
                "wsemail:ca-create");
        String installed = a.shell("config:edit org.wsemail.plugins.ondemandattachments",
                "config:property-set base.url " + a.base(), "config:property-set max.attachment.mib 2", "config:update",
                "wsemail:plugin-install mvn:org.wsemail.plugins/on-demand-attachments/" + VERSION);
        assertTrue(installed, installed.contains("on-demand-attachments"));
        bobP12 = certificate(b, BOB);
        carlP12 = certificate(b, CARL);
    }

    @AfterClass
    public static void stopTwoDomains() throws Exception {
        if (domains != null) {
            domains.close();
        }
    }

    private static Path certificate(ServerProcess server, String user) throws Exception {
        Path p12 = root.resolve(user + ".p12");
        server.shell("wsemail:cert-issue-user --password-file " + passwordFile(P12_SECRET) + " --out " + p12 + " " + user);
        return p12;
    }

    private static Set<TrustAnchor> trusted() {
        return Set.of(new TrustAnchor(CA.certificate(), null));
    }

    private static WsemailClient withPassword(ServerProcess server, String user) {
        return new WsemailClient(server.base(), Address.parse(user), PASSWORD.toCharArray(), trusted());
    }

    private static WsemailClient withCertificate(ServerProcess server, Path p12) throws WsemailException {
        return WsemailClient.withCertificate(server.base(), p12, P12_SECRET.toCharArray(), trusted());
    }

    /** {@code bin/wsemail} as a password user of {@code server}; its exit status and what it printed. */
    private static Run wsemail(ServerProcess server, String user, String... arguments) throws Exception {
        List<String> line = new java.util.ArrayList<>(List.of("--server", server.base().toString(), "--user", user, "--trust",
                caPem.toString()));
        line.addAll(List.of(arguments));
        return run(server, PASSWORD, line);
    }

    /** {@code bin/wsemail} with a certificate of {@code server}. */
    private static Run wsemailCert(ServerProcess server, Path p12, String... arguments) throws Exception {
        List<String> line = new java.util.ArrayList<>(List.of("--server", server.base().toString(), "--certificate", p12.toString(),
                "--trust", caPem.toString()));
        line.addAll(List.of(arguments));
        return run(server, P12_SECRET, line);
    }

    private static Run run(ServerProcess server, String secret, List<String> line) throws Exception {
        try (ClientProcess process = new ClientProcess(server.home, secret, line.toArray(new String[0]))) {
            int exit = process.exit(WAIT);
            return new Run(exit, process.lines());
        }
    }

    private record Run(int exit, List<String> lines) {
        String text() {
            return String.join("\n", lines);
        }

        String line(String start) {
            return lines.stream().filter(l -> l.trim().startsWith(start)).findFirst()
                    .orElseThrow(() -> new AssertionError("no line starting '" + start + "' in:\n" + text()));
        }
    }

    private static Path file(String name, byte[] content) throws Exception {
        Path file = root.resolve(name);
        Files.write(file, content);
        return file;
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** Alice sends {@code subject} to Bob and Anne with {@code files} attached, through bin/wsemail; returns the message id. */
    private static String aliceSends(String subject, Path... files) throws Exception {
        List<String> arguments = new java.util.ArrayList<>(List.of("send", "--to", BOB + "," + ANNE, "--subject", subject, "--body",
                "the file is attached"));
        for (Path file : files) {
            arguments.addAll(List.of("--attach", file.toString()));
        }
        Run sent = wsemail(a, ALICE, arguments.toArray(new String[0]));
        assertEquals(sent.text(), 0, sent.exit());
        return sent.line("Sent ").split(" ")[1];
    }

    /** The message in the mailbox of the client's user with that subject, once it arrived, read and verified. */
    private static ReadMessage arrived(WsemailClient client, String subject) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (Header header : client.inbox(Instant.EPOCH)) {
                if (header.getSubject().equals(subject)) {
                    ReadMessage read = client.read(header.getId());
                    assertTrue(read.signatureReport(), read.verified());
                    return read;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError(subject + " never reached " + client.user());
    }

    private static long mailboxId(WsemailClient client, String subject) throws Exception {
        return arrived(client, subject).id();
    }

    @Test
    public void aRecipientInAnotherDomainFetchesWithATokenAndNoAttachmentByteCrossedBetweenServers() throws Exception {
        byte[] report = random(300_000, 1);
        String id = aliceSends("Quarterly report", file("report.bin", report));

        ReadMessage read = arrived(withCertificate(b, bobP12), "Quarterly report");
        Attachment described = read.message().attachments().get(0);
        assertEquals("report.bin", described.name());
        assertEquals("the message carries no bytes of it", 0, described.size());
        Attachment.OnDemand onDemand = described.onDemand().orElseThrow();
        assertEquals(report.length, onDemand.size());
        assertEquals(sha256(report), onDemand.sha256());
        assertEquals(a.base(), onDemand.location());

        long bobsId = read.id();
        Run shown = wsemailCert(b, bobP12, "read", String.valueOf(bobsId));
        assertEquals(shown.text(), 0, shown.exit());
        String line = shown.line("report.bin");
        assertTrue(line, line.contains(report.length + " bytes") && line.contains("SHA-256 " + sha256(report))
                && line.contains("version 1") && line.contains("on demand from " + a.base()));
        assertFalse("no newer version yet: " + line, line.contains("newer"));

        Path out = root.resolve("bob-report.bin");
        Run fetched = wsemailCert(b, bobP12, "fetch", String.valueOf(bobsId), "report.bin", "--out", out.toString());
        assertEquals(fetched.text(), 0, fetched.exit());
        assertTrue(fetched.text(), fetched.line("Saved report.bin version 1 of 1").contains("SHA-256 " + sha256(report) + " as signed"));
        assertArrayEquals(report, Files.readAllBytes(out));

        // Anne, of the sender's own domain, fetches with her password.
        Path annes = root.resolve("anne-report.bin");
        WsemailClient anne = withPassword(a, ANNE);
        anne.attachments().fetch(arrived(anne, "Quarterly report"), "report.bin", null, annes);
        assertArrayEquals(report, Files.readAllBytes(annes));
        assertTrue(id, id.endsWith("@a.test"));
    }

    @Test
    public void anUploadTellsHowManyOfTheFilesBytesHaveGoneOutAsTheyGo() throws Exception {
        Path file = root.resolve("progress.bin");
        byte[] bytes = new byte[1536 * 1024];
        new Random(7).nextBytes(bytes);
        Files.write(file, bytes);
        List<Long> sent = new java.util.concurrent.CopyOnWriteArrayList<>();

        Attachment staged = withPassword(a, ALICE).attachments().upload(file, "application/octet-stream", sent::add);

        assertTrue("several reports within the one file, not one at its end: " + sent.size(), sent.size() > 10);
        assertEquals(bytes.length, (long) sent.get(sent.size() - 1));
        for (int i = 1; i < sent.size(); i++) {
            assertTrue("the count only grows: " + sent, sent.get(i) >= sent.get(i - 1));
        }
        assertEquals(bytes.length, staged.onDemand().orElseThrow().size());
    }

    @Test
    public void someoneWhoIsNotARecipientIsRefusedEvenWithAGoodToken() throws Exception {
        aliceSends("Only for Bob and Anne", file("secret.bin", random(10_000, 2)));
        ReadMessage bobs = arrived(withCertificate(b, bobP12), "Only for Bob and Anne");
        Path out = root.resolve("carl-secret.bin");
        try {
            // Carl learnt the description (say Bob forwarded it) and has a good token from b.test.
            withCertificate(b, carlP12).attachments().fetch(bobs, "secret.bin", 1, out);
            fail("a.test gave the attachment to someone not among the message's recipients");
        } catch (WsemailException e) {
            assertEquals("NotAuthorized", e.code());
            assertTrue(e.getMessage(), e.getMessage().contains("carl@b.test is not a recipient"));
        }
        assertFalse(Files.exists(out));
    }

    @Test
    public void aTokenFromAnIssuerThatIsNotTheRecipientsDomainIsRefused() throws Exception {
        aliceSends("Forged token", file("forged.bin", random(5_000, 3)));
        ReadMessage bobs = arrived(withCertificate(b, bobP12), "Forged token");
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(bobP12)) {
            store.load(in, P12_SECRET.toCharArray());
        }
        X509Certificate bobsKey = (X509Certificate) store.getCertificate(store.aliases().nextElement());
        // c.test holds a certificate from a CA a.test trusts, and vouches for a user of b.test.
        Pki.CertifiedKey cServer = Pki.issueServerCertificate(CA, "c.test", Duration.ofDays(1));
        Element forged = SamlTokens.issue(cServer, List.of(cServer.certificate(), CA.certificate()), "c.test", BOB, bobsKey, "a.test",
                Instant.now(), Duration.ofMinutes(5));
        WsemailClient visitor = WsemailClient.visiting(a.base(), "a.test", forged, bobP12, P12_SECRET.toCharArray(), trusted());
        Path out = root.resolve("forged-fetched.bin");
        try {
            visitor.attachments().fetch(bobs, "forged.bin", 1, out);
            fail("a.test took a token for " + BOB + " issued by c.test");
        } catch (WsemailException e) {
            assertEquals(WsemailException.NOT_AUTHENTICATED, e.code());
        }
        assertFalse(Files.exists(out));
    }

    @Test
    public void bytesAlteredOnTheSendersServerAreDetectedAndNotSaved() throws Exception {
        byte[] contract = random(50_000, 4);
        aliceSends("Contract", file("contract.bin", contract));
        long bobsId = mailboxId(withCertificate(b, bobP12), "Contract");
        String sha = sha256(contract);
        Path stored = a.home.resolve("data/wsemail/attachments/objects").resolve(sha.substring(0, 2)).resolve(sha);
        byte[] altered = contract.clone();
        altered[1000] ^= 1;
        Files.write(stored, altered);

        Path out = root.resolve("bob-contract.bin");
        Run fetched = wsemailCert(b, bobP12, "fetch", String.valueOf(bobsId), "contract.bin", "--out", out.toString());
        assertEquals(fetched.text(), 1, fetched.exit());
        assertTrue(fetched.text(), fetched.text().contains("was altered and was not saved (Tampered)"));
        assertFalse(Files.exists(out));
        assertFalse(Files.exists(root.resolve("bob-contract.bin.part")));
    }

    @Test
    public void aNewVersionIsSeenAndFetchedTheFirstStaysAvailableAndAWithdrawnOneIsGone() throws Exception {
        byte[] first = "Minutes, draft".getBytes(StandardCharsets.UTF_8);
        byte[] second = "Minutes, as approved".getBytes(StandardCharsets.UTF_8);
        String id = aliceSends("Minutes", file("minutes.txt", first));
        WsemailClient bob = withCertificate(b, bobP12);
        long bobsId = mailboxId(bob, "Minutes");

        Path update = root.resolve("update").resolve("minutes.txt");
        Files.createDirectories(update.getParent());
        Files.write(update, second);
        Run published = wsemail(a, ALICE, "attachment-update", id, "minutes.txt", update.toString());
        assertEquals(published.text(), 0, published.exit());
        assertTrue(published.text(), published.line("Published version 2 of minutes.txt").contains("SHA-256 " + sha256(second)));
        Run notHers = wsemail(a, ANNE, "attachment-update", id, "minutes.txt", update.toString());
        assertEquals(notHers.text(), 1, notHers.exit());
        assertTrue(notHers.text(), notHers.text().contains("only the sender of message " + id));

        Run shown = wsemailCert(b, bobP12, "read", String.valueOf(bobsId));
        assertTrue(shown.text(), shown.line("minutes.txt").contains("(newer: version 2)"));
        Path newest = root.resolve("minutes-newest.txt");
        Run fetched = wsemailCert(b, bobP12, "fetch", String.valueOf(bobsId), "minutes.txt", "--out", newest.toString());
        assertEquals(fetched.text(), 0, fetched.exit());
        assertArrayEquals(second, Files.readAllBytes(newest));
        AttachmentTransfer.Versions versions = bob.attachments().versions(bob.read(bobsId), "minutes.txt");
        assertEquals(List.of(sha256(first), sha256(second)), versions.versions().stream().map(AttachmentTransfer.Version::sha256).toList());
        Path original = root.resolve("minutes-1.txt");
        bob.attachments().fetch(bob.read(bobsId), "minutes.txt", 1, original);
        assertArrayEquals(first, Files.readAllBytes(original));

        Run withdrawn = wsemail(a, ALICE, "attachment-withdraw", id, "minutes.txt");
        assertEquals(withdrawn.text(), 0, withdrawn.exit());
        Run refused = wsemailCert(b, bobP12, "fetch", String.valueOf(bobsId), "minutes.txt", "--out", root.resolve("gone.txt").toString());
        assertEquals(refused.text(), 1, refused.exit());
        assertTrue(refused.text(), refused.text().contains("the sender withdrew minutes.txt"));
        assertTrue(bob.attachments().versions(bob.read(bobsId), "minutes.txt").withdrawn());
    }

    @Test
    public void anAttachmentOverTheLimitIsRefusedInWordsAndNothingIsKeptOrSent() throws Exception {
        byte[] big = random(3 * 1024 * 1024, 7);
        Run sent = wsemail(a, ALICE, "send", "--to", BOB, "--subject", "Too big", "--body", "x", "--attach",
                file("too-big.bin", big).toString());
        assertEquals(sent.text(), 1, sent.exit());
        assertTrue(sent.text(), sent.text().contains("the attachment is larger than the 2097152 bytes an attachment may have"
                + " (MessageTooLarge)"));
        String sha = sha256(big);
        assertFalse(Files.exists(a.home.resolve("data/wsemail/attachments/objects").resolve(sha.substring(0, 2)).resolve(sha)));
        try (var partial = Files.list(a.home.resolve("data/wsemail/attachments/incoming"))) {
            assertEquals("no partial upload left behind", 0, partial.count());
        }
        assertTrue(withCertificate(b, bobP12).inbox(Instant.EPOCH).stream().noneMatch(h -> h.getSubject().equals("Too big")));
    }

    @Test
    public void withoutThePluginAttachmentsTravelInline() throws Exception {
        byte[] photo = random(20_000, 5);
        Run sent = wsemail(b, CARL, "send", "--to", ALICE, "--subject", "Photo", "--body", "from b.test", "--attach",
                file("photo.bin", photo).toString());
        assertEquals(sent.text(), 0, sent.exit());
        assertTrue(sent.text(), sent.text().contains("Your server keeps no attachments on demand: photo.bin travels in the message itself"));
        WsemailClient alice = withPassword(a, ALICE);
        ReadMessage read = arrived(alice, "Photo");
        assertArrayEquals(photo, read.message().attachments().get(0).content());
        Path out = root.resolve("alice-photo.bin");
        alice.attachments().fetch(read, "photo.bin", null, out);
        assertArrayEquals(photo, Files.readAllBytes(out));
    }

    @Test
    public void withTheSendersServerDownTheMessageStillReadsAndTheFetchSaysWhy() throws Exception {
        byte[] plan = random(8_000, 6);
        aliceSends("Plan", file("plan.bin", plan));
        long bobsId = mailboxId(withCertificate(b, bobP12), "Plan");
        a.stop();
        try {
            Run shown = wsemailCert(b, bobP12, "read", String.valueOf(bobsId));
            assertEquals(shown.text(), 0, shown.exit());
            assertTrue(shown.text(), shown.line("Subject:").contains("Plan"));
            assertTrue(shown.text(), shown.line("plan.bin").contains("(cannot check for newer versions: cannot reach "));
            Path out = root.resolve("bob-plan.bin");
            Run fetched = wsemailCert(b, bobP12, "fetch", String.valueOf(bobsId), "plan.bin", "--out", out.toString());
            assertEquals(fetched.text(), 3, fetched.exit());
            assertTrue(fetched.text(), fetched.text().contains("cannot reach " + a.base()));
            assertFalse(Files.exists(out));
        } finally {
            a.start();
        }
        Path out = root.resolve("bob-plan.bin");
        withCertificate(b, bobP12).attachments().fetch(withCertificate(b, bobP12).read(bobsId), "plan.bin", null, out);
        assertArrayEquals("back up, the attachment is there again", plan, Files.readAllBytes(out));
    }
}
