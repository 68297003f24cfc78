package org.wsemail.db.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsemail.api.server.DatabaseManager.Migration;
import org.wsemail.api.server.DatabaseManager.Schema;

/**
 * Brings a component's schema up to date: applies, in order, each of its migration scripts whose
 * version the {@code schema_versions} table does not yet record for it, each script in one
 * transaction with its record, under an exclusive lock on that table so that concurrent starts
 * (components of one server, nodes sharing a database) apply each script once.
 *
 * <p>Scripts are shared by every database the server runs on (embedded Derby, PostgreSQL): where
 * the two name a type differently, a script names it by a placeholder ({@value #LARGE_TEXT} for
 * text of any length: CLOB on Derby, TEXT on PostgreSQL; {@value #LARGE_BYTES} for bytes of any
 * length: BLOB on Derby, BYTEA on PostgreSQL) that is replaced as the script is read.
 */
final class SchemaMigrator {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrator.class);
    static final String VERSION_TABLE = "schema_versions";
    /** The single version table of builds before components owned their schemas. */
    private static final String SHARED_VERSION_TABLE = "schema_version";
    /** The version that table was at in the last build that used it, and what it stands for now. */
    private static final int SHARED_LAST_VERSION = 3;
    private static final Map<String, Integer> SHARED_LAST_AS_COMPONENTS = Map.of("store", 1, "queue", 1);
    /** The placeholder for a text column of any length. */
    static final String LARGE_TEXT = "${large_text}";
    /** The placeholder for a column of bytes of any length. */
    static final String LARGE_BYTES = "${large_bytes}";
    /** What each placeholder stands for, by database product name. */
    private static final Map<String, Map<String, String>> PLACEHOLDERS_BY_PRODUCT = Map.of(
            "Apache Derby", Map.of(LARGE_TEXT, "CLOB", LARGE_BYTES, "BLOB"),
            "PostgreSQL", Map.of(LARGE_TEXT, "TEXT", LARGE_BYTES, "BYTEA"));

    private SchemaMigrator() {
    }

    /** Creates the version table if there is none (a database from an older build is converted). */
    static void prepare(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            if (exists(connection, VERSION_TABLE)) {
                return;
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE " + VERSION_TABLE + " (component VARCHAR(100) NOT NULL,"
                        + " version INTEGER NOT NULL, description VARCHAR(200) NOT NULL, applied_at TIMESTAMP NOT NULL,"
                        + " PRIMARY KEY (component, version))");
            } catch (SQLException e) {
                if (!exists(connection, VERSION_TABLE)) {
                    throw e;
                }
                return; // another node created it meanwhile
            }
            if (exists(connection, SHARED_VERSION_TABLE)) {
                convertSharedVersions(connection);
            }
        }
    }

    /**
     * A database of a build in which one script list served every component, at its last version:
     * the same tables as the components' first versions now, so it is recorded as those.
     */
    private static void convertSharedVersions(Connection connection) throws SQLException {
        int shared;
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT MAX(version) FROM " + SHARED_VERSION_TABLE)) {
            result.next();
            shared = result.getInt(1);
        }
        if (shared != SHARED_LAST_VERSION) {
            throw new SQLException("the database is at version " + shared + " of an early development build;"
                    + " start from an empty database (remove data/wsemail/derby)");
        }
        for (Map.Entry<String, Integer> component : SHARED_LAST_AS_COMPONENTS.entrySet()) {
            for (int version = 1; version <= component.getValue(); version++) {
                record(connection, component.getKey(), version, "recorded from the shared version table");
            }
        }
        LOG.info("Schema versions recorded per component: {}", SHARED_LAST_AS_COMPONENTS);
    }

    /** Applies the schema's missing migrations and returns the version it is at. */
    static int migrate(DataSource dataSource, Schema schema) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            int current = currentVersion(connection, schema.component());
            for (Migration migration : schema.migrations()) {
                if (migration.version() > current) {
                    if (apply(connection, schema, migration)) {
                        LOG.info("Schema of {} migrated to version {} ({})", schema.component(), migration.version(),
                                migration.description());
                    }
                    current = migration.version();
                }
            }
            return current;
        }
    }

    /** Each component's version, for the status. */
    static Map<String, Integer> versions(DataSource dataSource) throws SQLException {
        Map<String, Integer> versions = new HashMap<>();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT component, MAX(version) FROM " + VERSION_TABLE
                        + " GROUP BY component")) {
            while (rows.next()) {
                versions.put(rows.getString(1), rows.getInt(2));
            }
        }
        return versions;
    }

    static int currentVersion(Connection connection, String component) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT MAX(version) FROM " + VERSION_TABLE + " WHERE component = ?")) {
            select.setString(1, component);
            try (ResultSet result = select.executeQuery()) {
                result.next();
                return result.getInt(1);
            }
        }
    }

    /** Applies one migration unless, once the lock is held, it turns out applied already. */
    private static boolean apply(Connection connection, Schema schema, Migration migration) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.execute("LOCK TABLE " + VERSION_TABLE + " IN EXCLUSIVE MODE");
            if (currentVersion(connection, schema.component()) >= migration.version()) {
                connection.commit();
                return false;
            }
            for (String sql : statements(forDatabase(connection, read(schema, migration.script())))) {
                statement.execute(sql);
            }
            if (migration.conversion() != null) {
                migration.conversion().run(connection);
            }
            record(connection, schema.component(), migration.version(), migration.description());
            connection.commit();
            return true;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw new SQLException("migration " + migration.script() + " of " + schema.component() + " failed: "
                    + e.getMessage(), e);
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    /** The script with its placeholders replaced by what this database calls them. */
    static String forDatabase(Connection connection, String script) throws SQLException {
        String product = connection.getMetaData().getDatabaseProductName();
        Map<String, String> placeholders = PLACEHOLDERS_BY_PRODUCT.get(product);
        if (placeholders == null) {
            throw new SQLException("the server's schema is written for " + PLACEHOLDERS_BY_PRODUCT.keySet() + ", not " + product);
        }
        String replaced = script;
        for (Map.Entry<String, String> placeholder : placeholders.entrySet()) {
            replaced = replaced.replace(placeholder.getKey(), placeholder.getValue());
        }
        return replaced;
    }

    private static void record(Connection connection, String component, int version, String description)
            throws SQLException {
        try (PreparedStatement record = connection.prepareStatement("INSERT INTO " + VERSION_TABLE
                + " (component, version, description, applied_at) VALUES (?, ?, ?, ?)")) {
            record.setString(1, component);
            record.setInt(2, version);
            record.setString(3, description);
            record.setTimestamp(4, Timestamp.from(Instant.now()));
            record.executeUpdate();
        }
    }

    private static boolean exists(Connection connection, String table) throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        for (String name : List.of(table.toUpperCase(java.util.Locale.ROOT), table)) {
            try (ResultSet tables = meta.getTables(null, null, name, null)) {
                if (tables.next()) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String read(Schema schema, String script) {
        try (InputStream in = schema.anchor().getResourceAsStream(script)) {
            if (in == null) {
                throw new IllegalStateException("migration script " + script + " missing beside " + schema.anchor().getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Statements end with a semicolon at the end of a line; lines starting with -- are comments. */
    static List<String> statements(String script) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                continue;
            }
            if (trimmed.endsWith(";")) {
                current.append(trimmed, 0, trimmed.length() - 1);
                statements.add(current.toString());
                current.setLength(0);
            } else {
                current.append(trimmed).append('\n');
            }
        }
        if (!current.toString().isBlank()) {
            throw new IllegalStateException("the last statement lacks its closing semicolon: " + current);
        }
        return statements;
    }
}
