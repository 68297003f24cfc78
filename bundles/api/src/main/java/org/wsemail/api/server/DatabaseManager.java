package org.wsemail.api.server;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Hands out pooled connections to the server's database (embedded Apache Derby by default) whose
 * schema it has brought up to date before it registers. Registered once the database is usable;
 * unregistered when it is not.
 */
@ProviderType
public interface DatabaseManager {

    /** The pooled data source; callers close each connection they take. */
    DataSource dataSource();

    /** What the database is, for monitoring. */
    Status status();

    /** How many times {@link #inTransaction} runs work that the database rolled back for a lock conflict. */
    int TRANSACTION_ATTEMPTS = 4;

    /** Work on one connection, inside a transaction. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction on a pooled connection and commits what it did. When the
     * database rolls the transaction back for a lock conflict or a deadlock (SQLState class 40),
     * nothing of it is stored, so the work runs again on a fresh transaction after a pause that
     * grows (50, 100, 200 ms), up to {@link #TRANSACTION_ATTEMPTS} times in all. (Derby, for one,
     * gives up at once when concurrent inserts contend for the next range of an identity column.)
     * Any other failure rolls back and is thrown at once.
     */
    default <T> T inTransaction(Work<T> work) throws SQLException {
        for (int attempt = 1;; attempt++) {
            try (Connection connection = dataSource().getConnection()) {
                connection.setAutoCommit(false);
                try {
                    T result = work.run(connection);
                    connection.commit();
                    return result;
                } catch (SQLException | RuntimeException e) {
                    connection.rollback();
                    throw e;
                } finally {
                    connection.setAutoCommit(true);
                }
            } catch (SQLException e) {
                boolean rolledBackForLocks = e.getSQLState() != null && e.getSQLState().startsWith("40");
                if (!rolledBackForLocks || attempt == TRANSACTION_ATTEMPTS) {
                    throw e;
                }
                try {
                    Thread.sleep(50L << (attempt - 1));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /**
     * @param product the database product and version
     * @param url the JDBC URL (no credentials)
     * @param schemaVersion the schema version the migrations brought the database to
     * @param openConnections connections handed out through {@link #dataSource()} and not yet closed
     */
    record Status(String product, String url, int schemaVersion, int openConnections) {
    }
}
