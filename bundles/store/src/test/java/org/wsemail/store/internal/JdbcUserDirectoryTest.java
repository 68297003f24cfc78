package org.wsemail.store.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;

import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameters;
import org.wsemail.api.Address;
import org.wsemail.api.MailMessage;
import org.wsemail.api.server.DatabaseManager;
import org.wsemail.api.server.SignedMail;
import org.wsemail.api.server.UnknownUserException;
import org.wsemail.db.internal.PooledDatabaseManager;
import org.wsemail.testing.TestDatabase;

@RunWith(Parameterized.class)
public class JdbcUserDirectoryTest {
    private static final Address BOB = Address.parse("bob@b.test");

    @Parameters(name = "{0}")
    public static List<String> kinds() {
        return TestDatabase.KINDS;
    }

    @Rule
    public final TestDatabase db;

    public JdbcUserDirectoryTest(String kind) {
        this.db = TestDatabase.of(kind);
    }

    private DatabaseManager database;

    private JdbcUserDirectory users;

    @Before
    public void setUp() throws Exception {
        database = new PooledDatabaseManager(db.dataSource());
        users = new JdbcUserDirectory(database, () -> "b.test", new PasswordHasher(1024, 1),
                new VerifiedCredentials(java.time.Duration.ofMinutes(5)));
    }

    @Test
    public void authenticatesOnlyTheRightPasswordAndStoresNoPassword() throws Exception {
        users.add(BOB, "correct horse battery".toCharArray());

        assertTrue(users.authenticate(BOB, "correct horse battery".toCharArray()));
        assertFalse(users.authenticate(BOB, "correct horse batterY".toCharArray()));
        assertFalse(users.authenticate(BOB, new char[0]));
        assertFalse(users.authenticate(Address.parse("eve@b.test"), "correct horse battery".toCharArray()));

        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rows = s.executeQuery("SELECT password_hash FROM users")) {
            rows.next();
            String stored = rows.getString(1);
            assertTrue(stored, stored.startsWith("$argon2id$v=19$"));
            assertFalse(stored.contains("horse"));
        }
    }

    @Test
    public void refusesForeignDomainsDuplicatesAndShortPasswords() {
        assertRefused(() -> users.add(Address.parse("bob@a.test"), "long enough pw".toCharArray()),
                "bob@a.test is not in this server's domain b.test");
        users.add(BOB, "long enough pw".toCharArray());
        assertRefused(() -> users.add(BOB, "another long pw".toCharArray()), "user bob@b.test already exists");
        assertRefused(() -> users.add(Address.parse("carol@b.test"), "short".toCharArray()),
                "a password needs at least 10 characters");
        assertEquals(List.of(BOB), users.list());
    }

    @Test
    public void changesPasswordsAndDeletesUsersWithTheirMail() throws Exception {
        users.add(BOB, "first password".toCharArray());
        assertTrue("remembered as verified", users.authenticate(BOB, "first password".toCharArray()));
        users.setPassword(BOB, "second password".toCharArray());
        assertFalse("a remembered old password is forgotten with the change", users.authenticate(BOB, "first password".toCharArray()));
        assertTrue(users.authenticate(BOB, "second password".toCharArray()));
        assertTrue(users.authenticate(BOB, "second password".toCharArray()));

        JdbcMailStore store = new JdbcMailStore(database, 0);
        store.store(BOB, new SignedMail(MailMessage.builder().sender(Address.parse("a@a.test")).recipient(BOB).build(), "<m/>"));
        assertTrue(users.delete(BOB));
        assertFalse("a deleted user's remembered password no longer works", users.authenticate(BOB, "second password".toCharArray()));
        assertFalse(users.exists(BOB));
        assertFalse(users.delete(BOB));
        assertTrue(store.headers(BOB, Instant.EPOCH).isEmpty());
        try {
            users.setPassword(BOB, "third password".toCharArray());
            fail("changed the password of a deleted user");
        } catch (UnknownUserException expected) {
            assertEquals("no such user: bob@b.test", expected.getMessage());
        }
    }

    @Test
    public void aLoginThatFindsEveryHashingSlotTakenIsRefusedAsBusy() throws Exception {
        Semaphore slots = new Semaphore(1);
        JdbcUserDirectory bounded = new JdbcUserDirectory(database, () -> "b.test", new PasswordHasher(1024, 1),
                new VerifiedCredentials(java.time.Duration.ZERO), slots, java.time.Duration.ofMillis(20));
        bounded.add(BOB, "correct horse battery".toCharArray());
        slots.acquire();
        try {
            bounded.authenticate(BOB, "correct horse battery".toCharArray());
            fail("checked a password with every hashing slot taken");
        } catch (RejectedExecutionException expected) {
            assertEquals("too many password checks at once; try again shortly", expected.getMessage());
        } finally {
            slots.release();
        }
        assertTrue(bounded.authenticate(BOB, "correct horse battery".toCharArray()));
        assertEquals("the slot is given back", 1, slots.availablePermits());
    }

    @Test
    public void theProductionParametersHashAndVerify() {
        PasswordHasher hasher = new PasswordHasher();
        String hash = hasher.hash("a real password".toCharArray());
        assertTrue(hash, hash.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"));
        assertTrue(hasher.verify("a real password".toCharArray(), hash));
        assertFalse(hasher.verify("a real passworD".toCharArray(), hash));
        assertFalse("a new salt every time", hash.equals(hasher.hash("a real password".toCharArray())));
        assertFalse(hasher.verify("x".toCharArray(), "not a hash"));
    }

    private static void assertRefused(Runnable action, String message) {
        try {
            action.run();
            fail("expected: " + message);
        } catch (IllegalArgumentException expected) {
            assertEquals(message, expected.getMessage());
        }
    }
}
