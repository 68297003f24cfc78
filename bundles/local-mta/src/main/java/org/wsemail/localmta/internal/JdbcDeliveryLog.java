package org.wsemail.localmta.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsemail.api.Address;
import org.wsemail.api.server.DatabaseManager;
import org.wsemail.api.server.DatabaseManager.Migration;
import org.wsemail.api.server.DatabaseManager.Schema;
import org.wsemail.api.server.UnknownUserException;

/** The delivery log in the {@code delivery_log} table, owned by the Local MTA (script beside this class). */
final class JdbcDeliveryLog implements DeliveryLog {
    static final Schema SCHEMA = new Schema("local-mta", JdbcDeliveryLog.class,
            List.of(new Migration(1, "delivery log", "V1__delivery_log.sql")));

    private static final Logger LOG = LoggerFactory.getLogger(JdbcDeliveryLog.class);
    private static final String DUPLICATE_KEY = "23505";

    private final DatabaseManager database;
    private final Clock clock;

    JdbcDeliveryLog(DatabaseManager database, Clock clock) {
        this.database = database;
        this.clock = clock;
        try {
            database.migrate(SCHEMA);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot bring the delivery log's table up to date: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean delivered(String messageId, Address recipient) {
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement select = c.prepareStatement("SELECT 1 FROM delivery_log WHERE message_id = ? AND recipient = ?")) {
            select.setString(1, messageId);
            select.setString(2, recipient.toString());
            try (ResultSet rows = select.executeQuery()) {
                return rows.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the delivery log: " + e.getMessage(), e);
        }
    }

    @Override
    public void record(String messageId, Address recipient) {
        try (Connection c = database.dataSource().getConnection()) {
            insert(c, messageId, recipient);
        } catch (SQLException e) {
            if (!DUPLICATE_KEY.equals(e.getSQLState())) {
                throw new IllegalStateException("cannot write the delivery log: " + e.getMessage(), e);
            }
        }
    }

    /**
     * {@inheritDoc} The store joins this transaction when it keeps its copies through the same
     * Database Manager, as the server's mailbox store does: one commit for both.
     */
    @Override
    public long storeAndRecord(String messageId, Address recipient, Storing storing) throws UnknownUserException {
        try {
            return database.inTransaction(c -> {
                long id;
                try {
                    id = storing.store();
                } catch (UnknownUserException e) {
                    throw new UnknownUserSignal(e);
                }
                // A failed statement spoils the rest of a PostgreSQL transaction unless rolled back to a savepoint.
                Savepoint beforeRecord = c.setSavepoint();
                try {
                    insert(c, messageId, recipient);
                } catch (SQLException e) {
                    if (!DUPLICATE_KEY.equals(e.getSQLState())) {
                        throw e;
                    }
                    c.rollback(beforeRecord);
                }
                return id;
            });
        } catch (UnknownUserSignal e) {
            throw e.unknown;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write the delivery log: " + e.getMessage(), e);
        }
    }

    /** The store found no such user: carried out of the transaction, which it rolls back. */
    private static final class UnknownUserSignal extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient UnknownUserException unknown;

        UnknownUserSignal(UnknownUserException unknown) {
            super(null, null, false, false);
            this.unknown = unknown;
        }
    }

    private void insert(Connection c, String messageId, Address recipient) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO delivery_log (message_id, recipient, delivered_at) VALUES (?, ?, ?)")) {
            insert.setString(1, messageId);
            insert.setString(2, recipient.toString());
            insert.setTimestamp(3, Timestamp.from(clock.instant()));
            insert.executeUpdate();
        }
    }

    /** Forgets deliveries older than {@code keep}; returns how many. */
    int purge(Duration keep) {
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement delete = c.prepareStatement("DELETE FROM delivery_log WHERE delivered_at < ?")) {
            delete.setTimestamp(1, Timestamp.from(clock.instant().minus(keep)));
            int purged = delete.executeUpdate();
            if (purged > 0) {
                LOG.info("Forgot {} deliveries older than {} days", purged, keep.toDays());
            }
            return purged;
        } catch (SQLException e) {
            LOG.warn("Cannot purge the delivery log: {}", e.getMessage());
            return 0;
        }
    }
}
