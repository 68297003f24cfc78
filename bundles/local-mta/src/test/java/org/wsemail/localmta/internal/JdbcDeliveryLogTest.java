package org.wsemail.localmta.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;

import java.util.List;

import org.junit.Rule;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameters;
import org.wsemail.api.Address;
import org.wsemail.db.internal.PooledDatabaseManager;
import org.wsemail.testing.TestDatabase;
import org.wsemail.testing.MovableClock;

/** The delivery log on a real Derby database: kept across restarts, a record once, forgotten after the window. */
@RunWith(Parameterized.class)
public class JdbcDeliveryLogTest {
    private static final Address BOB = Address.parse("bob@b.test");

    @Parameters(name = "{0}")
    public static List<String> kinds() {
        return TestDatabase.KINDS;
    }

    @Rule
    public final TestDatabase db;

    public JdbcDeliveryLogTest(String kind) {
        this.db = TestDatabase.of(kind);
    }

    @Test
    public void aDeliveryIsRememberedOnceAcrossRestartsUntilItIsPurged() throws Exception {
        MovableClock clock = new MovableClock(Instant.parse("2026-12-01T00:00:00Z"));
        JdbcDeliveryLog log = new JdbcDeliveryLog(new PooledDatabaseManager(db.dataSource()), clock);
        assertFalse(log.delivered("m1@a.test", BOB));
        log.record("m1@a.test", BOB);
        log.record("m1@a.test", BOB);

        JdbcDeliveryLog restarted = new JdbcDeliveryLog(new PooledDatabaseManager(db.dataSource()), clock);
        assertTrue(restarted.delivered("m1@a.test", BOB));
        assertFalse("another recipient of the message is another delivery",
                restarted.delivered("m1@a.test", Address.parse("carol@b.test")));

        clock.advance(Duration.ofDays(7));
        assertEquals(0, restarted.purge(Duration.ofDays(8)));
        clock.advance(Duration.ofDays(2));
        assertEquals(1, restarted.purge(Duration.ofDays(8)));
        assertFalse(restarted.delivered("m1@a.test", BOB));
    }

    @Test
    public void aCopyStoredThroughTheSameDatabaseAndItsRecordAreKeptTogetherOrNotAtAll() throws Exception {
        PooledDatabaseManager database = new PooledDatabaseManager(db.dataSource());
        JdbcDeliveryLog log = new JdbcDeliveryLog(database, new MovableClock(Instant.parse("2026-12-01T00:00:00Z")));
        try (Connection c = db.dataSource().getConnection(); Statement create = c.createStatement()) {
            create.executeUpdate("CREATE TABLE copies (id INTEGER NOT NULL)");
        }
        DeliveryLog.Storing storeCopy = () -> {
            try {
                return database.inTransaction(c -> {
                    try (Statement insert = c.createStatement()) {
                        insert.executeUpdate("INSERT INTO copies (id) VALUES (7)");
                    }
                    return 7L;
                });
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        };

        assertEquals(7L, log.storeAndRecord("m1@a.test", BOB, storeCopy));
        assertEquals(1, copies());
        assertTrue(log.delivered("m1@a.test", BOB));
        assertEquals("recorded before: still one record, no failure", 7L, log.storeAndRecord("m1@a.test", BOB, storeCopy));

        IllegalStateException diskFull = new IllegalStateException("the disk is full");
        assertEquals(diskFull, assertThrows(IllegalStateException.class, () -> log.storeAndRecord("m2@a.test", BOB, () -> {
            storeCopy.store();
            throw diskFull;
        })));
        assertEquals("the copy went with the failed delivery", 2, copies());
        assertFalse(log.delivered("m2@a.test", BOB));
    }

    private int copies() throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement count = c.createStatement();
                ResultSet rows = count.executeQuery("SELECT COUNT(*) FROM copies")) {
            rows.next();
            return rows.getInt(1);
        }
    }
}
