package org.wsemail.db.internal;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsemail.api.server.DatabaseManager;

/**
 * The Database Manager. Takes the pooled {@link DataSource} named {@value #DATA_SOURCE_NAME} that
 * pax-jdbc builds from {@code etc/org.ops4j.datasource-wsemail.cfg} (embedded Derby under the
 * server's data directory by default), prepares the table of schema versions, and registers; each
 * component then migrates its own part of the schema through {@link #migrate}.
 */
@Component(service = DatabaseManager.class)
public class PooledDatabaseManager implements DatabaseManager {
    static final String DATA_SOURCE_NAME = "wsemail";
    /** How many times {@link #inTransaction} runs work that the database rolled back for a lock conflict. */
    static final int TRANSACTION_ATTEMPTS = 4;
    /** The pause before the second try; it doubles for each later one. */
    static final long FIRST_PAUSE_MS = 50;
    /** PostgreSQL's SQLState for a statement that gave up waiting for a lock (its lock_timeout). */
    private static final String LOCK_NOT_AVAILABLE = "55P03";

    private static final Logger LOG = LoggerFactory.getLogger(PooledDatabaseManager.class);

    private final CountingDataSource dataSource;
    /** The connection of the transaction this thread is running work in, if any. */
    private final ThreadLocal<Connection> current = new ThreadLocal<>();
    private final String product;
    private final String url;

    @Activate
    public PooledDatabaseManager(@Reference(target = "(dataSourceName=" + DATA_SOURCE_NAME + ")") DataSource pool)
            throws SQLException {
        this.dataSource = new CountingDataSource(pool);
        SchemaMigrator.prepare(pool);
        try (Connection connection = pool.getConnection()) {
            DatabaseMetaData meta = connection.getMetaData();
            this.product = meta.getDatabaseProductName() + " " + meta.getDatabaseProductVersion();
            this.url = meta.getURL();
        }
        LOG.info("Database {} at {}", product, url);
    }

    @Override
    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public int migrate(Schema schema) throws SQLException {
        return SchemaMigrator.migrate(dataSource, schema);
    }

    /**
     * Runs the work again when the database rolled it back for a lock conflict or a deadlock
     * (SQLState class 40, and PostgreSQL's lock timeout 55P03), after a pause that grows (50, 100, 200 ms), {@value #TRANSACTION_ATTEMPTS}
     * times in all. (Derby, for one, gives up at once when concurrent inserts contend for the next
     * range of an identity column.) Work within work on one thread shares the outer transaction.
     */
    @Override
    public <T> T inTransaction(Work<T> work) throws SQLException {
        Connection outer = current.get();
        if (outer != null) {
            return work.run(outer);
        }
        for (int attempt = 1;; attempt++) {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(false);
                current.set(connection);
                try {
                    T result = work.run(connection);
                    connection.commit();
                    return result;
                } catch (SQLException | RuntimeException e) {
                    connection.rollback();
                    throw e;
                } finally {
                    current.remove();
                    connection.setAutoCommit(true);
                }
            } catch (SQLException | RuntimeException e) {
                SQLException conflict = lockConflict(e);
                if (conflict == null || attempt == TRANSACTION_ATTEMPTS) {
                    throw e;
                }
                LOG.debug("A transaction met a lock conflict ({}); try {} of {}", conflict.getSQLState(), attempt + 1,
                        TRANSACTION_ATTEMPTS);
                try {
                    Thread.sleep(FIRST_PAUSE_MS << (attempt - 1));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** The lock conflict or deadlock that rolled a transaction back, if that is what {@code failure} is or wraps; else null. */
    private static SQLException lockConflict(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException e && e.getSQLState() != null
                    && (e.getSQLState().startsWith("40") || LOCK_NOT_AVAILABLE.equals(e.getSQLState()))) {
                return e;
            }
        }
        return null;
    }

    @Override
    public Status status() {
        try {
            return new Status(product, url, SchemaMigrator.versions(dataSource), dataSource.openConnections());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the schema versions: " + e.getMessage(), e);
        }
    }
}
