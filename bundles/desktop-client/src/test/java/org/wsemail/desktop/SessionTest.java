package org.wsemail.desktop;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.wsemail.client.WsemailException;

/** The desktop client's settings: kept as the command line keeps them, never the password; refused in words. */
public class SessionTest {
    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    @Test
    public void settingsAreSavedBesideTheCommandLinesWithoutThePassword() throws Exception {
        Path file = folder.getRoot().toPath().resolve("wsemail/client.properties");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "password-file=/home/alice/.wsemail/secret\n");
        new Session("https://mail.a.test:8443/wsemail", "alice@a.test", "", "/etc/ca.pem").save(file);

        Session loaded = Session.load(file);
        assertEquals("https://mail.a.test:8443/wsemail", loaded.server());
        assertEquals("alice@a.test", loaded.user());
        assertEquals("/etc/ca.pem", loaded.trust());
        String saved = Files.readString(file);
        assertTrue("the command line's own keys are kept: " + saved, saved.contains("password-file=/home/alice/.wsemail/secret"));
        assertFalse(saved, saved.contains("password="));
    }

    @Test
    public void aPlainHttpServerOrMissingRootsAreRefusedInWords() {
        try {
            new Session("http://mail.a.test/wsemail", "alice@a.test", "", "system").connect("secret".toCharArray());
            fail("a password to a plain HTTP server");
        } catch (WsemailException e) {
            assertTrue(Words.of(e), Words.of(e).startsWith("Please check your settings: the server address must start with https://"));
        }
        try {
            new Session("https://mail.a.test/wsemail", "alice@a.test", "", "").connect("secret".toCharArray());
            fail("no trusted roots");
        } catch (WsemailException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("choose the file with your server's root certificate"));
        }
    }
}
