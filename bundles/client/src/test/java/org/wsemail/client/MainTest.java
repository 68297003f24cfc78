package org.wsemail.client;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.Test;

/** What the command line refuses before it ever connects: clear text, no trusted roots, a password in the history. */
public class MainTest {
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) throws Exception {
        Path config = Files.createTempFile("client", ".properties");
        try {
            List<String> line = new ArrayList<>(List.of("--config", config.toString()));
            line.addAll(List.of(args));
            return new Main(new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8),
                    Map.of("WSEMAIL_PASSWORD", "alice-password-1"), null).run(line.toArray(new String[0]));
        } finally {
            Files.delete(config);
        }
    }

    private String firstErrorLine() {
        return err.toString(StandardCharsets.UTF_8).lines().findFirst().orElse("");
    }

    @Test
    public void aPlainHttpServerUrlIsRefused() throws Exception {
        assertEquals(Main.USAGE, run("--server", "http://mail.a.test:8181/wsemail", "--user", "alice@a.test", "--trust", "system",
                "inbox"));
        assertEquals("wsemail: the server URL must start with https://: http://mail.a.test:8181/wsemail would carry your"
                + " password and your mail in clear", firstErrorLine());
    }

    @Test
    public void withoutTrustedRootsNothingIsTrustedSilently() throws Exception {
        assertEquals(Main.USAGE, run("--server", "https://mail.a.test:8443/wsemail", "--user", "alice@a.test", "inbox"));
        assertTrue(firstErrorLine(), firstErrorLine().startsWith("wsemail: give --trust: the PEM file of your server's root"
                + " certificate"));
    }

    @Test
    public void aPasswordOnTheCommandLineIsRefused() throws Exception {
        assertEquals(Main.USAGE, run("--server", "https://mail.a.test:8443/wsemail", "--user", "alice@a.test", "--password",
                "alice-password-1", "--trust", "system", "inbox"));
        assertTrue(firstErrorLine(), firstErrorLine().startsWith("wsemail: --password is not accepted: the shell history would"
                + " keep the password"));
    }

    private int asAlice(String... command) throws Exception {
        List<String> line = new ArrayList<>(List.of("--server", "https://mail.a.test:8443/wsemail", "--user", "alice@a.test",
                "--trust", "system"));
        line.addAll(List.of(command));
        return run(line.toArray(new String[0]));
    }

    @Test
    public void commandsThatNeedACertificateOrXmlSaySoBeforeConnecting() throws Exception {
        assertEquals(Main.USAGE, asAlice("token", "b.test"));
        assertEquals("wsemail: a token is bound to your certificate: log in with --certificate", firstErrorLine());
        err.reset();
        assertEquals(Main.USAGE, asAlice("visit", "https://mail.b.test:8443/wsemail", "send", "--to", "bob@b.test"));
        assertEquals("wsemail: a visitor presents a token bound to their certificate: log in with --certificate", firstErrorLine());
        err.reset();
        assertEquals(Main.USAGE, asAlice("extension", "address-book", "<list"));
        assertTrue(firstErrorLine(), firstErrorLine().startsWith("wsemail: the request is not XML"));
        err.reset();
        assertEquals(Main.USAGE, asAlice("send", "--to", "bob@b.test", "--subject", "s", "--body", "b", "--attach", "/no/such/file"));
        assertEquals("wsemail: no file /no/such/file to attach", firstErrorLine());
        err.reset();
        assertEquals(Main.USAGE, asAlice("fetch", "3", "report.pdf"));
        assertEquals("wsemail: fetch needs a message id, an attachment name and --out <file>", firstErrorLine());
    }

    @Test
    public void theSystemRootsAreThereOnlyWhenChosen() {
        assertTrue("the JVM knows public roots", !WsemailClient.systemRoots().isEmpty());
    }
}
