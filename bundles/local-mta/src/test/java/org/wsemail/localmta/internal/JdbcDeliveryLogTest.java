package org.wsemail.localmta.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

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
}
