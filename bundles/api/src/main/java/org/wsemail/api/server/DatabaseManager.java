package org.wsemail.api.server;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import javax.sql.DataSource;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The Database Manager: hands out pooled connections to the server's database (embedded Apache Derby
 * by default) and brings each component's schema up to date. Every component owns its tables: it
 * ships its migration scripts in its own bundle and asks for them to be applied with {@link
 * #migrate} when it activates, before it touches them. Registered once the database is usable;
 * unregistered when it is not.
 */
@ProviderType
public interface DatabaseManager {

    /** The pooled data source; callers close each connection they take. */
    DataSource dataSource();

    /** What the database is, for monitoring. */
    Status status();

    /**
     * Applies the component's migrations that the database does not record yet, in order, each in
     * one transaction with its record; concurrent calls (several components, several server nodes)
     * apply each script once. Scripts are never edited once released: a change is a new script.
     *
     * @return the version the component's schema is at
     * @throws SQLException if a script fails; what it did is rolled back
     */
    int migrate(Schema schema) throws SQLException;

    /** Work on one connection, inside a transaction. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction on a pooled connection and commits what it did. When the
     * database rolls the transaction back for a lock conflict or a deadlock, nothing of it is stored,
     * so the work may be run again on a fresh transaction, up to a limit of the implementation's; any
     * other failure rolls back and is thrown at once. {@code work} must therefore have no effects
     * outside the transaction.
     *
     * <p>Called from within the work of another {@code inTransaction} on the same thread, {@code
     * work} runs in that transaction, on its connection: one component's statements and another's
     * are then stored together or not at all. It commits when the outer work does; a lock conflict
     * anywhere in it (also one another component wrapped in an unchecked exception) runs the outer
     * work again.
     */
    <T> T inTransaction(Work<T> work) throws SQLException;

    /**
     * A component's part of the schema.
     *
     * @param component the component's name, which keys its schema version, e.g. {@code queue}
     * @param anchor a class of the component's bundle; the scripts are resources beside it
     * @param migrations the component's migrations, oldest first
     */
    record Schema(String component, Class<?> anchor, List<Migration> migrations) {

        public Schema {
            Objects.requireNonNull(component, "component");
            Objects.requireNonNull(anchor, "anchor");
            migrations = List.copyOf(migrations);
        }
    }

    /**
     * One step of a component's schema.
     *
     * @param version its number, from 1 up, within the component
     * @param description what it does, for the log and the version table
     * @param script the SQL resource beside the schema's anchor class: statements end with a
     *     semicolon at the end of a line, lines starting with {@code --} are comments. Use SQL that
     *     Derby and PostgreSQL both run; {@code ${large_text}} names a text column of any length,
     *     {@code ${large_bytes}} a column of bytes of any length.
     * @param conversion run after the script, on its connection and in its transaction, for what
     *     SQL that both databases run cannot do (stored text turned into bytes, say); null if none
     */
    record Migration(int version, String description, String script, Work<Void> conversion) {

        /** A step that is a script alone. */
        public Migration(int version, String description, String script) {
            this(version, description, script, null);
        }

        /**
         * A conversion that copies every row's text in {@code textColumn} of {@code table} into
         * {@code bytesColumn}, encoded as UTF-8; rows are found by their {@code id} column.
         */
        public static Work<Void> textToUtf8(String table, String textColumn, String bytesColumn) {
            return connection -> {
                try (PreparedStatement select = connection.prepareStatement("SELECT id, " + textColumn + " FROM " + table);
                        PreparedStatement update = connection.prepareStatement(
                                "UPDATE " + table + " SET " + bytesColumn + " = ? WHERE id = ?");
                        ResultSet rows = select.executeQuery()) {
                    int batched = 0;
                    while (rows.next()) {
                        update.setBytes(1, rows.getString(2).getBytes(StandardCharsets.UTF_8));
                        update.setLong(2, rows.getLong(1));
                        update.addBatch();
                        if (++batched % 100 == 0) {
                            update.executeBatch();
                        }
                    }
                    update.executeBatch();
                }
                return null;
            };
        }
    }

    /**
     * @param product the database product and version
     * @param url the JDBC URL (no credentials)
     * @param schemaVersions each component's schema version
     * @param openConnections connections handed out through {@link #dataSource()} and not yet closed
     */
    record Status(String product, String url, Map<String, Integer> schemaVersions, int openConnections) {

        public Status {
            schemaVersions = Map.copyOf(schemaVersions);
        }

        /**
         * Whether this is PostgreSQL: the database several nodes of a domain share (embedded Derby
         * serves one node), with {@code FOR UPDATE SKIP LOCKED}.
         */
        public boolean isPostgreSql() {
            return product.startsWith("PostgreSQL");
        }
    }
}
