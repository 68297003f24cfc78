package org.wsemail.store.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameters;
import org.wsemail.api.Address;
import org.wsemail.api.MailMessage;
import org.wsemail.api.MessageFlag;
import org.wsemail.api.server.MessageHeader;
import org.wsemail.api.server.StoredMessage;
import org.wsemail.api.server.DatabaseManager;
import org.wsemail.api.server.MailboxFullException;
import org.wsemail.api.server.SignedMail;
import org.wsemail.api.server.UnknownUserException;
import org.wsemail.db.internal.PooledDatabaseManager;
import org.wsemail.testing.TestDatabase;

@RunWith(Parameterized.class)
public class JdbcMailStoreTest {
    private static final Address ALICE = Address.parse("alice@a.test");
    private static final Address BOB = Address.parse("bob@b.test");
    private static final Address CAROL = Address.parse("carol@b.test");
    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

    @Parameters(name = "{0}")
    public static List<String> kinds() {
        return TestDatabase.KINDS;
    }

    @Rule
    public final TestDatabase db;

    public JdbcMailStoreTest(String kind) {
        this.db = TestDatabase.of(kind);
    }

    private DatabaseManager database;

    private JdbcMailStore store;

    @Before
    public void setUp() throws Exception {
        database = new PooledDatabaseManager(db.dataSource());
        JdbcUserDirectory users = new JdbcUserDirectory(database, () -> "b.test", new PasswordHasher(1024, 1),
                new VerifiedCredentials(java.time.Duration.ofMinutes(5)));
        users.add(BOB, "bob-password-1".toCharArray());
        users.add(CAROL, "carol-password".toCharArray());
        store = new JdbcMailStore(database, 0);
    }

    private static MailMessage message(String id, String subject, Instant at) {
        return MailMessage.builder().messageId(id).sender(ALICE).recipient(BOB).subject(subject).body("hi")
                .timestamp(at).flag(MessageFlag.FORM).build();
    }

    @Test
    public void storesListsRetrievesAndDeletes() throws Exception {
        long first = store.store(BOB, new SignedMail(message("m1", "First", T0), "<m id='1'/>"));
        long second = store.store(BOB, new SignedMail(message("m2", "Second", T0.plusSeconds(60)), "<m id='2'/>"));

        List<MessageHeader> all = store.headers(BOB, Instant.EPOCH);
        assertEquals(List.of(first, second), all.stream().map(MessageHeader::id).toList());
        MessageHeader header = all.get(0);
        assertEquals(ALICE, header.sender());
        assertEquals("First", header.subject());
        assertEquals(T0, header.timestamp());
        assertEquals(Set.of(MessageFlag.FORM), header.flags());
        assertEquals("<m id='1'/>".length(), header.size());

        assertEquals(List.of(second), store.headers(BOB, T0.plusSeconds(1)).stream().map(MessageHeader::id).toList());

        StoredMessage read = store.retrieve(BOB, first).orElseThrow();
        assertEquals("<m id='1'/>", read.signedXml());
        assertEquals("First", read.header().subject());

        assertEquals(1, store.delete(BOB, List.of(first, 999_999L)));
        assertTrue(store.retrieve(BOB, first).isEmpty());
        assertEquals(1, store.headers(BOB, Instant.EPOCH).size());
    }

    @Test
    public void aDeliveryThatMeetsALockConflictIsStoredOnceItIsOver() throws Exception {
        db.waitForLocksAtMost(java.time.Duration.ofSeconds(1));
        CountDownLatch locked = new CountDownLatch(1);
        Thread holder = new Thread(() -> {
            try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                s.execute("LOCK TABLE messages IN EXCLUSIVE MODE");
                locked.countDown();
                Thread.sleep(1500); // longer than a statement waits for a lock: the first try is rolled back
                c.commit();
                c.setAutoCommit(true);
            } catch (SQLException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        holder.start();
        locked.await();

        long id = store.store(BOB, new SignedMail(message("busy", "Busy", T0), "<m/>"));
        holder.join();

        assertEquals(List.of(id), store.headers(BOB, Instant.EPOCH).stream().map(MessageHeader::id).toList());
    }

    @Test
    public void aRetriedDeliveryStoresOneCopy() throws Exception {
        long id = store.store(BOB, new SignedMail(message("same", "Once", T0), "<m/>"));
        assertEquals(id, store.store(BOB, new SignedMail(message("same", "Once", T0), "<m/>")));
        assertEquals(1, store.headers(BOB, Instant.EPOCH).size());
        assertTrue("another mailbox gets its own copy", store.store(CAROL, new SignedMail(message("same", "Once", T0), "<m/>")) != id);
    }

    @Test
    public void aMessageThatWouldTakeAMailboxBeyondItsQuotaIsRefusedAndNothingIsStored() throws Exception {
        JdbcMailStore quota = new JdbcMailStore(database, 1 << 20);
        String half = "<m>" + "x".repeat(500_000) + "</m>";
        quota.store(BOB, new SignedMail(message("q1", "One", T0), half));
        quota.store(BOB, new SignedMail(message("q2", "Two", T0), half));
        try {
            quota.store(BOB, new SignedMail(message("q3", "Three", T0), half));
            fail("stored beyond the quota");
        } catch (MailboxFullException expected) {
            assertEquals("the mailbox of bob@b.test is full: 0.95 MiB of its 1.00 MiB quota used; the message (0.48 MiB) does not fit",
                    expected.getMessage());
        }
        assertEquals(List.of("One", "Two"), store.headers(BOB, Instant.EPOCH).stream().map(MessageHeader::subject).toList());
        assertEquals("a retried delivery of a stored message is not refused", store.headers(BOB, Instant.EPOCH).get(1).id(),
                quota.store(BOB, new SignedMail(message("q2", "Two", T0), half)));
        quota.store(CAROL, new SignedMail(message("q3", "Three", T0), half));

        store.delete(BOB, List.of(store.headers(BOB, Instant.EPOCH).get(0).id()));
        quota.store(BOB, new SignedMail(message("q3", "Three", T0), half));
    }

    @Test
    public void deliveriesToOneMailboxAtOnceNeverTakeItBeyondItsQuota() throws Exception {
        JdbcMailStore quota = new JdbcMailStore(database, 1 << 20);
        String fifth = "<m>" + "x".repeat(200_000) + "</m>";
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(10);
        java.util.concurrent.atomic.AtomicInteger full = new java.util.concurrent.atomic.AtomicInteger();
        try {
            List<java.util.concurrent.Future<?>> stores = new java.util.ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String id = "c" + i;
                stores.add(threads.submit(() -> {
                    try {
                        quota.store(BOB, new SignedMail(message(id, id, T0), fifth));
                    } catch (MailboxFullException expected) {
                        full.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> store : stores) {
                store.get();
            }
        } finally {
            threads.shutdownNow();
        }
        assertEquals("five fit in 1 MiB", 5, store.headers(BOB, Instant.EPOCH).size());
        assertEquals(5, full.get());

        store.delete(BOB, List.of(store.headers(BOB, Instant.EPOCH).get(0).id()));
        quota.store(BOB, new SignedMail(message("after", "After", T0), fifth));
        try {
            quota.store(BOB, new SignedMail(message("beyond", "Beyond", T0), fifth));
            fail("the size of a deleted message was freed twice");
        } catch (MailboxFullException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("0.95 MiB of its 1.00 MiB quota used"));
        }
    }

    @Test
    public void anUnknownMailboxIsRefusedAndNothingIsStored() {
        Address nobody = Address.parse("nobody@b.test");
        try {
            store.store(nobody, new SignedMail(message("m", "x", T0), "<m/>"));
            fail("stored into a mailbox nobody owns");
        } catch (UnknownUserException expected) {
            assertEquals("no such user: nobody@b.test", expected.getMessage());
        }
        assertTrue(store.headers(nobody, Instant.EPOCH).isEmpty());
    }

    @Test
    public void oneUserCannotReadOrDeleteAnothersMessages() throws Exception {
        long bobs = store.store(BOB, new SignedMail(message("m", "Private", T0), "<m/>"));
        assertTrue(store.retrieve(CAROL, bobs).isEmpty());
        assertEquals(0, store.delete(CAROL, List.of(bobs)));
        assertTrue(store.retrieve(BOB, bobs).isPresent());
    }

    @Test
    public void headersKeepMillisecondTimestamps() throws Exception {
        Instant precise = T0.plus(123, ChronoUnit.MILLIS);
        store.store(BOB, new SignedMail(message("p", "x", precise), "<m/>"));
        assertEquals(precise, store.headers(BOB, Instant.EPOCH).get(0).timestamp());
    }
}
