package org.wsemail.db.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;

import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.wsemail.testing.MovableClock;
import org.wsemail.testing.TestDatabase;

/** The replay memory two nodes share through a real PostgreSQL database (the only one it is offered on). */
public class JdbcSharedReplayMemoryTest {
    @Rule
    public final TestDatabase db = TestDatabase.of(TestDatabase.POSTGRESQL);

    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-03T10:00:00Z"));
    private JdbcSharedReplayMemory one;
    private JdbcSharedReplayMemory two;

    @Before
    public void nodes() throws Exception {
        PooledDatabaseManager database = new PooledDatabaseManager(db.dataSource());
        database.migrate(JdbcServerNodes.SCHEMA);
        one = new JdbcSharedReplayMemory(database, clock);
        two = new JdbcSharedReplayMemory(new PooledDatabaseManager(db.dataSource()), clock);
    }

    @Test
    public void aRequestOneNodeAcceptedIsAReplayAtTheOtherUntilItExpires() {
        Instant until = clock.instant().plus(Duration.ofMinutes(10));
        assertTrue(one.firstSight(digest("nonce-1"), until));
        assertFalse("seen by the first node", two.firstSight(digest("nonce-1"), until));
        assertFalse("and by itself", one.firstSight(digest("nonce-1"), until));
        assertTrue("another request", two.firstSight(digest("nonce-2"), until));

        clock.advance(Duration.ofMinutes(10));
        assertTrue("expired, so remembered anew", two.firstSight(digest("nonce-1"), clock.instant().plus(Duration.ofMinutes(10))));
        assertFalse(one.firstSight(digest("nonce-1"), clock.instant().plus(Duration.ofMinutes(10))));
    }

    @Test
    public void expiredRequestsAreForgotten() throws Exception {
        one.firstSight(digest("old"), clock.instant().plus(Duration.ofMinutes(1)));
        one.firstSight(digest("recent"), clock.instant().plus(Duration.ofMinutes(5)));
        clock.advance(Duration.ofMinutes(2));
        two.purge();
        assertEquals(1, rows());
    }

    private long rows() throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rows = s.executeQuery("SELECT COUNT(*) FROM seen_requests")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static byte[] digest(String request) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(request.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
