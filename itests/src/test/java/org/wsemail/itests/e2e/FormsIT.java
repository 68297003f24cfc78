package org.wsemail.itests.e2e;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.wsemail.itests.e2e.ServerProcess.passwordFile;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.TrustAnchor;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.wsemail.api.Address;
import org.wsemail.api.Attachment;
import org.wsemail.api.MessageFlag;
import org.wsemail.client.ReadMessage;
import org.wsemail.client.WsemailClient;
import org.wsemail.forms.Form;
import org.wsemail.forms.FormSignatures;
import org.wsemail.forms.PluginCoordinates;
import org.wsemail.security.Pki;
import org.wsemail.wire.soap.Header;

/**
 * Routed forms between two real servers (paper sections 3.2, 3.3, 4.2): a.test and b.test, each
 * with its own certificate authority for its users and trusting the other's for its domain, the
 * routed-forms plug-in on both, the timesheet and requisition client plug-ins published by a.test.
 * Every user acts through the distribution's {@code bin/wsemail}, logged in with the certificate
 * their domain issued, with a plug-in folder of their own; the plug-ins run in the client's
 * embedded OSGi framework.
 */
public class FormsIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Pki.CertifiedKey CA = Pki.createAuthority("Forms test CA", Duration.ofDays(1));
    private static final String VERSION = System.getProperty("wsemail.version");
    private static final String BUNDLE_VERSION = VERSION.replace("-SNAPSHOT", ".SNAPSHOT");
    private static final String PASSWORD = "forms-password-1";
    private static final String P12_SECRET = "forms-p12-secret";
    private static final List<String> A_USERS = List.of("alice", "ann", "carol", "dave", "filing");
    private static final List<String> B_USERS = List.of("bob", "erin");

    private static TwoDomains domains;
    private static ServerProcess a;
    private static ServerProcess b;
    private static Path root;
    private static String authorities;

    @BeforeClass
    public static void startTwoDomains() throws Exception {
        domains = new TwoDomains("e2e-forms", CA, 19100, 19200);
        root = domains.root;
        a = domains.a;
        b = domains.b;
        String password = passwordFile(PASSWORD);
        for (ServerProcess server : List.of(a, b)) {
            List<String> commands = new ArrayList<>();
            for (String user : server == a ? A_USERS : B_USERS) {
                commands.add("wsemail:user-add --password-file " + password + " " + user + "@" + server.domain);
            }
            commands.add("wsemail:ca-create");
            server.shell(commands.toArray(new String[0]));
        }
        assertTrue(a.shell("wsemail:trust-add --domains b.test " + b.home.resolve("etc/wsemail-ca.pem")).contains("b.test"));
        assertTrue(b.shell("wsemail:trust-add --domains a.test " + a.home.resolve("etc/wsemail-ca.pem")).contains("a.test"));
        authorities = a.home.resolve("etc/wsemail-ca.pem") + "," + b.home.resolve("etc/wsemail-ca.pem");
        for (ServerProcess server : List.of(a, b)) {
            String installed = server.shell("config:edit org.wsemail.plugins.routedforms",
                    "config:property-set public.url https://" + server.ip + ":" + server.tlsPort,
                    "config:property-set requisition.threshold 5000",
                    "config:property-set program.addresses filing@" + server.domain, "config:update",
                    "feature:install wsemail-plugin-routed-forms", "wsemail:plugin-list --no-format");
            assertTrue(installed, installed.contains("routed-forms"));
        }
        String published = a.shell("wsemail:client-plugin-publish " + a.home.resolve("client-plugins/requisition-" + VERSION + ".jar"),
                "wsemail:client-plugin-publish " + a.home.resolve("client-plugins/timesheet-" + VERSION + ".jar"),
                "wsemail:role-add purchasing carol@a.test",
                "wsemail:directory-set --name \"Alice Example\" --title Engineer --department CIS --employee-id A-17 alice@a.test",
                "wsemail:client-plugin-list --no-format");
        assertTrue(published, published.contains("Published org.wsemail.forms.requisition " + BUNDLE_VERSION));
        assertTrue(published, published.contains("signed by a.test"));
        for (String user : A_USERS) {
            certificate(a, user + "@a.test");
        }
        for (String user : B_USERS) {
            certificate(b, user + "@b.test");
        }
    }

    @AfterClass
    public static void stopTwoDomains() throws Exception {
        if (domains != null) {
            domains.close();
        }
    }

    private static Path p12(String user) {
        return root.resolve(user + ".p12");
    }

    private static void certificate(ServerProcess server, String user) throws Exception {
        String issued = server.shell("wsemail:cert-issue-user --password-file " + passwordFile(P12_SECRET) + " --out " + p12(user) + " " + user);
        assertTrue(issued, Files.isRegularFile(p12(user)));
    }

    private static ServerProcess serverOf(String user) {
        return user.endsWith("@a.test") ? a : b;
    }

    /** {@code bin/wsemail} as {@code user}, logged in with their certificate, with their own plug-in folder. */
    private static Run formIn(String user, String pluginFolder, String... arguments) throws Exception {
        List<String> line = new ArrayList<>(List.of("--server", serverOf(user).base().toString(), "--certificate", p12(user).toString(),
                "--trust", domains.caPem.toString(), "--plugin-dir", root.resolve("plugins-" + pluginFolder).toString(), "form"));
        line.addAll(List.of(arguments));
        try (ClientProcess process = new ClientProcess(serverOf(user).home, P12_SECRET, line.toArray(new String[0]))) {
            int exit = process.exit(WAIT);
            return new Run(exit, process.lines());
        }
    }

    private static Run form(String user, String... arguments) throws Exception {
        return formIn(user, user, arguments);
    }

    private record Run(int exit, List<String> lines) {
        String text() {
            return String.join("\n", lines);
        }

        /** The form id from "Sent <title> <id> to ...". */
        String formId() {
            for (String line : lines) {
                if (line.startsWith("Sent ")) {
                    String[] words = line.split(" ");
                    for (String word : words) {
                        if (word.matches("[0-9a-f-]{36}")) {
                            return word;
                        }
                    }
                }
            }
            throw new AssertionError("no form sent:\n" + text());
        }
    }

    private static WsemailClient client(String user) throws Exception {
        return WsemailClient.withCertificate(serverOf(user).base(), p12(user), P12_SECRET.toCharArray(),
                Set.of(new TrustAnchor(CA.certificate(), null)));
    }

    /** The id of the message in {@code user}'s mailbox whose subject names the form and contains {@code marker}, once it came. */
    private static long arrived(String user, String formId, String marker) throws Exception {
        WsemailClient client = client(user);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (Header header : client.inbox(Instant.EPOCH)) {
                if (header.getSubject().contains(formId) && header.getSubject().contains(marker)) {
                    return header.getId();
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no message about form " + formId + " with '" + marker + "' reached " + user);
    }

    private static String records() throws Exception {
        return a.shell("wsemail:form-records --no-format");
    }

    private static String awaitRecord(String formId) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : records().split("\n")) {
                if (line.contains(formId)) {
                    return line;
                }
            }
            Thread.sleep(300);
        }
        throw new AssertionError("the receiving program never recorded form " + formId + ":\n" + records());
    }

    private static void ok(Run run) {
        assertEquals(run.text(), 0, run.exit());
    }

    @Test
    public void aRequisitionOverTheThresholdGoesToPurchasingAndIsApprovedAcrossTwoDomainsThenVerifiedAndFiled() throws Exception {
        Run sent = formIn("alice@a.test", "alice-first-requisition", "send", "--type", "requisition", "--to",
                "ann@a.test,bob@b.test,program:filing@a.test",
                "--field", "vendor=ACME", "--field", "account=4711", "--field", "description=Chairs", "--field", "quantity=30",
                "--field", "unit-price=400", "--approve");
        ok(sent);
        assertTrue(sent.text(), sent.text().contains("Installed the plug-in org.wsemail.forms.requisition " + BUNDLE_VERSION));
        String id = sent.formId();

        long atCarol = arrived("carol@a.test", id, "from alice@a.test");
        Run shown = form("carol@a.test", "show", String.valueOf(atCarol), "--approve");
        ok(shown);
        assertTrue(shown.text(), shown.text().contains("12000.00"));
        assertTrue(shown.text(), shown.text().contains("role purchasing (carol@a.test)  (role purchasing mapped by a.test)"));
        ok(form("carol@a.test", "approve", String.valueOf(atCarol), "--comment", "vendor is on our list"));

        long atAnn = arrived("ann@a.test", id, "approved by carol@a.test");
        ok(form("ann@a.test", "approve", String.valueOf(atAnn), "--approve"));

        long atBob = arrived("bob@b.test", id, "approved by ann@a.test");
        Run untrusted = form("bob@b.test", "approve", String.valueOf(atBob), "--approve");
        assertEquals(untrusted.text(), 1, untrusted.exit());
        assertTrue(untrusted.text(), untrusted.text().contains("which you do not trust for plug-ins"));
        Run verified = form("bob@b.test", "verify", String.valueOf(atBob), "--ca", authorities);
        ok(verified);
        assertTrue(verified.text(), verified.text().contains("VERIFIED"));
        Run approved = form("bob@b.test", "approve", String.valueOf(atBob), "--approve", "--plugin-signers", "a.test");
        ok(approved);
        assertTrue(approved.text(), approved.text().contains("sent to program filing@a.test"));

        assertTrue(records(), awaitRecord(id).contains("FILED requisition from alice@a.test, 4 sign-off(s), total 12000.00"));
        long answer = arrived("alice@a.test", id, "Filed:");
        ReadMessage filed = client("alice@a.test").read(answer);
        assertTrue(filed.message().body(), filed.message().body().contains("step 3 approved        bob@b.test"));
        assertTrue(filed.message().body(), filed.message().body().contains("VERIFIED"));
    }

    @Test
    public void aTimesheetIsAutofilledWithConsentApprovedAndHandedToTheProgram() throws Exception {
        Run refused = formIn("alice@a.test", "alice-no-consent", "send", "--type", "timesheet", "--to", "ann@a.test,program:filing@a.test",
                "--field", "period-ending=2026-12-04", "--field", "regular-hours=30", "--approve");
        assertEquals(refused.text(), 1, refused.exit());
        assertTrue(refused.text(), refused.text().contains("Autofill not used"));
        assertTrue(refused.text(), refused.text().contains("Name is missing"));
        Run declined = formIn("alice@a.test", "alice-no-consent", "send", "--type", "timesheet", "--to", "ann@a.test",
                "--field", "period-ending=2026-12-04", "--field", "regular-hours=30", "--autofill", "no");
        assertEquals(declined.text(), 1, declined.exit());
        assertFalse(declined.text(), declined.text().contains("Autofilled"));

        Run sent = form("alice@a.test", "send", "--type", "timesheet", "--to", "ann@a.test,program:filing@a.test",
                "--field", "period-ending=2026-12-04", "--field", "regular-hours=30", "--field", "overtime-hours=15",
                "--field", "pto-hours=5", "--autofill", "yes", "--approve");
        ok(sent);
        assertTrue(sent.text(), sent.text().contains("Autofilled from your directory record: name, employee-id, title, department"));
        String id = sent.formId();
        long atAnn = arrived("ann@a.test", id, "from alice@a.test");
        Run shown = form("ann@a.test", "show", String.valueOf(atAnn), "--approve");
        ok(shown);
        assertTrue(shown.text(), shown.text().contains("Alice Example"));
        assertTrue(shown.text(), shown.text().matches("(?s).*Total hours:\\s+50\\b.*"));
        ok(form("ann@a.test", "approve", String.valueOf(atAnn)));
        assertTrue(records(), awaitRecord(id).contains("FILED timesheet from alice@a.test, 2 sign-off(s)"));
    }

    @Test
    public void aRejectedFormGoesBackToItsSubmitterWithTheReason() throws Exception {
        String id = form("alice@a.test", "send", "--type", "requisition", "--to", "ann@a.test,program:filing@a.test", "--field",
                "vendor=ACME", "--field", "account=4711", "--field", "description=Gold pens", "--field", "quantity=3", "--field",
                "unit-price=900", "--approve").formId();
        long atAnn = arrived("ann@a.test", id, "from alice@a.test");
        Run unreasoned = form("ann@a.test", "reject", String.valueOf(atAnn), "--approve");
        assertEquals(unreasoned.text(), 2, unreasoned.exit());
        Run rejected = form("ann@a.test", "reject", String.valueOf(atAnn), "--reason", "gold is not in the budget", "--approve");
        ok(rejected);
        assertTrue(rejected.text(), rejected.text().contains("Rejected; sent back to alice@a.test"));
        long back = arrived("alice@a.test", id, "rejected by ann@a.test");
        Run shown = form("alice@a.test", "show", String.valueOf(back), "--approve");
        assertTrue(shown.text(), shown.text().contains("rejected by ann@a.test at"));
        assertTrue(shown.text(), shown.text().contains(": gold is not in the budget"));
        assertTrue(shown.text(), shown.text().contains("sign-off(s), rejected"));
        Run stale = form("ann@a.test", "approve", String.valueOf(atAnn));
        assertEquals(stale.text(), 1, stale.exit());
        assertTrue(stale.text(), stale.text().contains("you signed step 1 of this form at"));
    }

    @Test
    public void aFormChangedAfterASignOffFailsVerification() throws Exception {
        String id = form("alice@a.test", "send", "--type", "requisition", "--to", "ann@a.test,program:filing@a.test", "--field",
                "vendor=ACME", "--field", "account=4711", "--field", "description=Pens", "--field", "quantity=10", "--field",
                "unit-price=2", "--approve").formId();
        long atAnn = arrived("ann@a.test", id, "from alice@a.test");
        byte[] xml = formOf(client("ann@a.test").read(atAnn));
        Path intact = root.resolve("intact-" + id + ".xml");
        Files.write(intact, xml);
        ok(form("ann@a.test", "verify", intact.toString(), "--ca", authorities));
        Path altered = root.resolve("altered-" + id + ".xml");
        Files.writeString(altered, new String(xml, StandardCharsets.UTF_8).replace(">20.00<", ">2000.00<"));
        Run verified = form("ann@a.test", "verify", altered.toString(), "--ca", authorities);
        assertEquals(verified.text(), 1, verified.exit());
        assertTrue(verified.text(), verified.text().contains("the data was changed after this sign-off"));
        assertTrue(verified.text(), verified.text().contains("NOT VERIFIED"));
    }

    private static byte[] formOf(ReadMessage message) {
        return message.message().attachments().stream().filter(x -> x.name().equals(Form.FILE_NAME)).findFirst().orElseThrow().content();
    }

    @Test
    public void anUnsignedPluginIsRefusedAndADeclinedOneIsNotInstalled() throws Exception {
        Path jar = a.home.resolve("client-plugins/requisition-" + VERSION + ".jar");
        try (Served served = new Served(jar)) {
            String id = sendForm(new PluginCoordinates("org.wsemail.forms.requisition", BUNDLE_VERSION, served.location,
                    PluginCoordinates.sha256Of(jar), "a.test"));
            long atAnn = arrived("ann@a.test", id, "crafted");
            Run refused = formIn("ann@a.test", "ann-unsigned", "show", String.valueOf(atAnn), "--approve");
            assertEquals(refused.text(), 1, refused.exit());
            assertTrue(refused.text(), refused.text().contains("the plug-in is not signed"));
            Run none = formIn("ann@a.test", "ann-unsigned", "plugins");
            assertTrue(none.text(), none.text().contains("No client plug-ins installed."));
        }
        String id = form("alice@a.test", "send", "--type", "requisition", "--to", "ann@a.test", "--field", "vendor=ACME", "--field",
                "account=1", "--field", "description=Ink", "--field", "quantity=1", "--field", "unit-price=9", "--approve").formId();
        long atAnn = arrived("ann@a.test", id, "from alice@a.test");
        Run declined = formIn("ann@a.test", "ann-declines", "show", String.valueOf(atAnn));
        assertEquals(declined.text(), 1, declined.exit());
        assertTrue(declined.text(), declined.text().contains("signed by a.test's server"));
        assertTrue(declined.text(), declined.text().contains("was not installed: you declined it"));
        Run none = formIn("ann@a.test", "ann-declines", "plugins");
        assertTrue(none.text(), none.text().contains("No client plug-ins installed."));
        assertFalse(Files.list(root.resolve("plugins-ann-declines")).anyMatch(p -> p.toString().endsWith(".jar")));
    }

    /** Alice, through her own client library, sends a form naming a plug-in of the test's choosing, as any sender could. */
    private static String sendForm(PluginCoordinates plugin) throws Exception {
        Form form = Form.create(UUID.randomUUID().toString(), "requisition", plugin,
                java.util.Map.of("vendor", "X", "account", "1", "description", "Y", "quantity", "1", "unit-price", "1", "total", "1.00"),
                List.of(Form.Step.to("ann@a.test")));
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12("alice@a.test"))) {
            store.load(in, P12_SECRET.toCharArray());
        }
        String alias = store.aliases().nextElement();
        List<java.security.cert.X509Certificate> chain = new ArrayList<>();
        for (java.security.cert.Certificate certificate : store.getCertificateChain(alias)) {
            chain.add((java.security.cert.X509Certificate) certificate);
        }
        new FormSignatures().signoff(form, Form.Decision.SUBMITTED, "", "", (java.security.PrivateKey) store.getKey(alias,
                P12_SECRET.toCharArray()), chain, Instant.now());
        client("alice@a.test").send(List.of(Address.parse("ann@a.test")), "Purchase requisition " + form.id() + " crafted", "a form",
                List.of(new Attachment(Form.FILE_NAME, Form.CONTENT_TYPE, form.toBytes())), Set.of(MessageFlag.FORM, MessageFlag.DYNAMIC_FORM));
        return form.id();
    }

    /** An HTTPS server whose certificate names a.test (the test holds the authority), serving an unsigned plug-in. */
    private static final class Served implements AutoCloseable {
        final URI location;
        private final HttpsServer server;

        Served(Path jar) throws Exception {
            Pki.CertifiedKey certificate = Pki.issueServerCertificate(CA, "a.test", Duration.ofDays(1), "127.0.0.1");
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("tls", certificate.keyPair().getPrivate(), new char[0], new java.security.cert.Certificate[] {
                certificate.certificate(), CA.certificate()});
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(keys, new char[0]);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(factory.getKeyManagers(), null, null);
            server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(tls));
            byte[] bytes = Files.readAllBytes(jar);
            server.createContext("/", exchange -> {
                exchange.sendResponseHeaders(200, bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            });
            server.start();
            location = URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/unsigned.jar");
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    @Test
    public void aNewVersionOfAPluginIsFetchedAsAnUpgrade() throws Exception {
        String first = form("alice@a.test", "send", "--type", "requisition", "--to", "ann@a.test", "--field", "vendor=ACME", "--field",
                "account=1", "--field", "description=Paper", "--field", "quantity=2", "--field", "unit-price=3", "--approve").formId();
        ok(formIn("ann@a.test", "ann-upgrade", "show", String.valueOf(arrived("ann@a.test", first, "from alice@a.test")), "--approve"));
        Path newer = root.resolve("requisition-0.2.0.jar");
        withVersion(a.home.resolve("client-plugins/requisition-" + VERSION + ".jar"), newer, "0.2.0");
        String published = a.shell("wsemail:client-plugin-publish " + newer);
        assertTrue(published, published.contains("Published org.wsemail.forms.requisition 0.2.0"));
        try {
            String second = form("alice@a.test", "send", "--type", "requisition", "--to", "ann@a.test", "--field", "vendor=ACME",
                    "--field", "account=1", "--field", "description=Toner", "--field", "quantity=1", "--field", "unit-price=30",
                    "--approve").formId();
            Run upgraded = formIn("ann@a.test", "ann-upgrade", "show", String.valueOf(arrived("ann@a.test", second, "from alice@a.test")),
                    "--approve");
            ok(upgraded);
            assertTrue(upgraded.text(), upgraded.text().contains("Upgraded the plug-in org.wsemail.forms.requisition from "
                    + BUNDLE_VERSION + " to 0.2.0"));
            Run listed = formIn("ann@a.test", "ann-upgrade", "plugins");
            assertTrue(listed.text(), listed.text().contains("org.wsemail.forms.requisition 0.2.0, signed by a.test"));
            ok(formIn("ann@a.test", "ann-upgrade", "plugin-remove", "org.wsemail.forms.requisition"));
            Run removed = formIn("ann@a.test", "ann-upgrade", "plugins");
            assertTrue(removed.text(), removed.text().contains("No client plug-ins installed."));
        } finally {
            a.shell("wsemail:client-plugin-remove org.wsemail.forms.requisition 0.2.0");
        }
    }

    /** A copy of a bundle with another Bundle-Version. */
    private static void withVersion(Path jar, Path copy, String version) throws Exception {
        try (JarInputStream in = new JarInputStream(Files.newInputStream(jar))) {
            Manifest manifest = in.getManifest();
            manifest.getMainAttributes().putValue("Bundle-Version", version);
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(copy), manifest)) {
                for (JarEntry entry = in.getNextJarEntry(); entry != null; entry = in.getNextJarEntry()) {
                    out.putNextEntry(new JarEntry(entry.getName()));
                    in.transferTo(out);
                    out.closeEntry();
                }
            }
        }
    }

    @Test
    public void anApproverDelegatesAFormAndAnAbsentApproversServerForwardsToTheirDelegate() throws Exception {
        String id = form("alice@a.test", "send", "--type", "requisition", "--to", "ann@a.test,bob@b.test,program:filing@a.test",
                "--field", "vendor=ACME", "--field", "account=4711", "--field", "description=Desks", "--field", "quantity=2",
                "--field", "unit-price=300", "--approve").formId();
        long atAnn = arrived("ann@a.test", id, "from alice@a.test");
        Run delegated = form("ann@a.test", "delegate", String.valueOf(atAnn), "dave@a.test", "--approve");
        ok(delegated);
        assertTrue(delegated.text(), delegated.text().contains("Delegated step 1 to dave@a.test"));
        long atDave = arrived("dave@a.test", id, "delegated by ann@a.test");

        Run away = form("bob@b.test", "away", "--delegate", "erin@b.test", "--until", Instant.now().plus(Duration.ofDays(1)).toString());
        ok(away);
        assertTrue(away.text(), away.text().contains("forms for you go to erin@b.test"));
        try {
            ok(form("dave@a.test", "approve", String.valueOf(atDave), "--approve"));
            long atErin = arrived("erin@b.test", id, "approved by dave@a.test");
            Run shown = form("erin@b.test", "show", String.valueOf(atErin), "--approve", "--plugin-signers", "a.test");
            assertTrue(shown.text(), shown.text().contains("forwarded by b.test to erin@b.test, who signs for bob@b.test while away"));
            ok(form("erin@b.test", "approve", String.valueOf(atErin), "--approve", "--plugin-signers", "a.test"));
        } finally {
            ok(form("bob@b.test", "back"));
        }
        String record = awaitRecord(id);
        assertTrue(records(), record.contains("FILED requisition from alice@a.test, 4 sign-off(s)"));
    }
}
