package org.wsemail.localmta.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.time.Instant;

import org.junit.Rule;
import org.junit.Test;
import org.wsemail.api.Address;
import org.wsemail.db.internal.PooledDatabaseManager;
import org.wsemail.testing.EmbeddedDerby;
import org.wsemail.testing.MovableClock;

/** The delivery log on a real Derby database: kept across restarts, a record once, forgotten after the window. */
public class JdbcDeliveryLogTest {
    private static final Address BOB = Address.parse("bob@b.test");

    @Rule
    public EmbeddedDerby derby = new EmbeddedDerby();

    @Test
    public void aDeliveryIsRememberedOnceAcrossRestartsUntilItIsPurged() throws Exception {
        MovableClock clock = new MovableClock(Instant.parse("2026-12-01T00:00:00Z"));
        JdbcDeliveryLog log = new JdbcDeliveryLog(new PooledDatabaseManager(derby.dataSource()), clock);
        assertFalse(log.delivered("m1@a.test", BOB));
        log.record("m1@a.test", BOB);
        log.record("m1@a.test", BOB);

        JdbcDeliveryLog restarted = new JdbcDeliveryLog(new PooledDatabaseManager(derby.dataSource()), clock);
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
