package org.wsemail.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.wsemail.api.Address;
import org.wsemail.api.MailMessage;
import org.wsemail.api.server.DatabaseManager;
import org.wsemail.api.server.MailDomain;
import org.wsemail.api.server.MailStore;
import org.wsemail.api.server.SignedMail;
import org.wsemail.api.server.UserDirectory;

/** The Database Manager, the mail store and the user commands in the real server, on embedded Derby. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MailStoreIT extends WsemailTestSupport {

    @Inject
    DatabaseManager database;

    @Inject
    UserDirectory users;

    @Inject
    MailStore store;

    @Inject
    MailDomain domain;

    @Test
    public void theDatabaseIsEmbeddedDerbyInTheDataDirectoryAtTheLatestSchema() {
        DatabaseManager.Status status = database.status();
        assertTrue(status.product(), status.product().startsWith("Apache Derby 10.16"));
        Path files = Path.of(System.getProperty("karaf.data"), "wsemail", "derby");
        assertTrue(status.url(), status.url().contains(files.toString()));
        assertTrue("Derby's files are on disk at " + files, Files.isDirectory(files.resolve("seg0")));
        assertEquals("each component's schema is at its latest version", Map.of("store", 6, "queue", 4, "local-mta", 1, "nodes", 4),
                status.schemaVersions());
        assertEquals("demo.test", domain.name());
    }

    @Test
    public void anAdministratorManagesUsersFromTheShell() throws Exception {
        CommandResult added = runAsAdminOk("wsemail:user-add --password-file " + passwordFile("alice-password-1") + " alice@demo.test");
        assertEquals("Added user alice@demo.test\n", added.output());
        assertTrue(users.authenticate(Address.parse("alice@demo.test"), "alice-password-1".toCharArray()));
        assertTrue(runAsViewer("wsemail:user-list --no-format").output().contains("alice@demo.test"));

        assertEquals("bob@elsewhere.test is not in this server's domain demo.test",
                runAsAdmin("wsemail:user-add --password-file " + passwordFile("bob-password-1") + " bob@elsewhere.test").errorMessage());
        assertEquals("a password needs at least 10 characters",
                runAsAdmin("wsemail:user-add --password-file " + passwordFile("short") + " bob@demo.test").errorMessage());
        assertEquals("user alice@demo.test already exists",
                runAsAdmin("wsemail:user-add --password-file " + passwordFile("another-password") + " alice@demo.test").errorMessage());
        assertEquals("not a mail address (expected local@domain): 'alice'",
                runAsAdmin("wsemail:user-add --password-file " + passwordFile("another-password") + " alice").errorMessage());
        assertFalse(users.exists(Address.parse("bob@demo.test")));

        assertEquals("Insufficient credentials.",
                runAsViewer("wsemail:user-add --password-file " + passwordFile("eve-password-1") + " eve@demo.test").errorMessage());
        assertFalse(users.exists(Address.parse("eve@demo.test")));

        runAsAdminOk("wsemail:user-passwd --password-file " + passwordFile("alice-password-2") + " alice@demo.test");
        assertFalse(users.authenticate(Address.parse("alice@demo.test"), "alice-password-1".toCharArray()));
        assertTrue(users.authenticate(Address.parse("alice@demo.test"), "alice-password-2".toCharArray()));

        Address alice = Address.parse("alice@demo.test");
        store.store(alice, new SignedMail(MailMessage.builder().sender(Address.parse("bob@b.test")).recipient(alice)
                .subject("hi").build(), "<m/>"));
        assertEquals(1, store.headers(alice, Instant.EPOCH).size());
        assertEquals("Deleted user alice@demo.test and their mailbox\n",
                runAsAdminOk("wsemail:user-delete alice@demo.test").output());
        assertTrue(store.headers(alice, Instant.EPOCH).isEmpty());
        assertEquals("no such user: alice@demo.test", runAsAdmin("wsemail:user-delete alice@demo.test").errorMessage());
        assertNull(runAsAdmin("wsemail:user-list").errorMessage());
    }
}
