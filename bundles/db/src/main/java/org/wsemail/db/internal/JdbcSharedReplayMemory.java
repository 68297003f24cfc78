package org.wsemail.db.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsemail.api.server.DatabaseManager;
import org.wsemail.api.server.ServerNodes;
import org.wsemail.api.server.SharedReplayMemory;

/**
 * The replay memory the nodes share, in the database ({@code seen_requests}): one statement per
 * request no node has seen, which inserts its digest or, if the digest is there but expired, renews
 * it; a live digest already there is a replay. Offered only on PostgreSQL, the database nodes share
 * (embedded Derby serves one node, whose memory suffices). Expired digests are deleted every minute.
 */
@Component(immediate = true, service = {})
public class JdbcSharedReplayMemory implements SharedReplayMemory {
    private static final long PURGE_SECONDS = 60;
    private static final Logger LOG = LoggerFactory.getLogger(JdbcSharedReplayMemory.class);

    private final DatabaseManager database;
    private final Clock clock;
    private ServiceRegistration<SharedReplayMemory> registration;
    private ScheduledExecutorService purges;

    /** @param nodes referenced so that the table exists: the server nodes' schema holds it */
    @Activate
    public JdbcSharedReplayMemory(BundleContext context, @Reference DatabaseManager database, @Reference ServerNodes nodes) {
        this(database, Clock.systemUTC());
        if (database.status().isPostgreSql()) {
            purges = Executors.newSingleThreadScheduledExecutor(task -> new Thread(task, "wsemail-seen-requests-purge"));
            purges.scheduleWithFixedDelay(this::purge, PURGE_SECONDS, PURGE_SECONDS, TimeUnit.SECONDS);
            registration = context.registerService(SharedReplayMemory.class, this, null);
            LOG.info("Replay checks shared with the other nodes through the database");
        }
    }

    JdbcSharedReplayMemory(DatabaseManager database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    @Deactivate
    void deactivate() {
        if (registration != null) {
            registration.unregister();
        }
        if (purges != null) {
            purges.shutdownNow();
        }
    }

    @Override
    public boolean firstSight(byte[] digest, Instant until) {
        Timestamp now = Timestamp.from(clock.instant());
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement remember = c.prepareStatement("INSERT INTO seen_requests (digest, expires_at) VALUES (?, ?)"
                        + " ON CONFLICT (digest) DO UPDATE SET expires_at = EXCLUDED.expires_at"
                        + " WHERE seen_requests.expires_at <= ?")) {
            remember.setString(1, HexFormat.of().formatHex(digest));
            remember.setTimestamp(2, Timestamp.from(until));
            remember.setTimestamp(3, now);
            return remember.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reach the replay memory the nodes share: " + e.getMessage(), e);
        }
    }

    /** Deletes the digests of requests that could no longer be accepted. Never throws. */
    void purge() {
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement delete = c.prepareStatement("DELETE FROM seen_requests WHERE expires_at <= ?")) {
            delete.setTimestamp(1, Timestamp.from(clock.instant()));
            int deleted = delete.executeUpdate();
            LOG.debug("Forgot {} expired requests", deleted);
        } catch (SQLException e) {
            LOG.warn("Cannot delete expired requests from the shared replay memory: {}", e.getMessage());
        }
    }
}
