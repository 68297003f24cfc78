package org.wsemail.db.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.Rule;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameters;
import org.wsemail.api.server.ServerNodes.Node;
import org.wsemail.testing.MovableClock;
import org.wsemail.testing.TestDatabase;

/** The nodes sharing a database: their records, heartbeats, and one name per running node. */
@RunWith(Parameterized.class)
public class JdbcServerNodesTest {
    private static final Duration BEAT = Duration.ofSeconds(10);

    @Parameters(name = "{0}")
    public static List<String> kinds() {
        return TestDatabase.KINDS;
    }

    @Rule
    public final TestDatabase db;

    public JdbcServerNodesTest(String kind) {
        this.db = TestDatabase.of(kind);
    }

    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-02T10:00:00Z"));

    @Test
    public void eachNodeIsListedAliveWhileItsHeartbeatGoesOnAndDeadWhenItStopsOrFallsSilent() throws Exception {
        PooledDatabaseManager database = new PooledDatabaseManager(db.dataSource());
        JdbcServerNodes first = new JdbcServerNodes(database, clock, "mail1", BEAT, false);
        JdbcServerNodes second = new JdbcServerNodes(database, clock, "mail2", BEAT, false);
        assertEquals("mail1", first.self());
        assertEquals(List.of("mail1 true", "mail2 true"), states(second.nodes()));

        clock.advance(BEAT.multipliedBy(2));
        first.beat();
        clock.advance(BEAT.multipliedBy(2));
        assertEquals("the second missed more than three beats", List.of("mail1 true", "mail2 false"), states(first.nodes()));
        assertEquals(clock.instant().minus(BEAT.multipliedBy(2)), first.nodes().get(0).lastHeartbeat());

        first.deactivate();
        assertEquals("a stopped node is not alive", List.of("mail1 false", "mail2 false"), states(second.nodes()));

        JdbcServerNodes restarted = new JdbcServerNodes(database, clock, "mail1", BEAT, false);
        assertEquals("a restart takes up its own record", List.of("mail1 true", "mail2 false"), states(restarted.nodes()));
        assertEquals(clock.instant(), restarted.nodes().get(0).started());
    }

    @Test
    public void aNodeDoesNotStartUnderTheNameOfALiveNodeOnAnotherHost() throws Exception {
        PooledDatabaseManager database = new PooledDatabaseManager(db.dataSource());
        new JdbcServerNodes(database, clock, "mail1", BEAT, false);
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement move = c.prepareStatement("UPDATE server_nodes SET host = 'elsewhere.a.test', heartbeat_at = ?")) {
            move.setTimestamp(1, Timestamp.from(clock.instant()));
            move.executeUpdate();
        }
        try {
            new JdbcServerNodes(database, clock, "mail1", BEAT, false);
            fail("two live nodes under one name");
        } catch (IllegalStateException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("a server node named mail1 runs on elsewhere.a.test"));
        }
        clock.advance(BEAT.multipliedBy(4));
        JdbcServerNodes replacing = new JdbcServerNodes(database, clock, "mail1", BEAT, false);
        assertFalse("once that node fell silent, its name may be taken", replacing.nodes().get(0).host().equals("elsewhere.a.test"));
    }

    private static List<String> states(List<Node> nodes) {
        return nodes.stream().map(n -> n.name() + " " + n.alive()).toList();
    }
}
