package org.wsemail.db.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The shape of the tables through which nodes share what they keep alike ({@code shared_settings},
 * {@code shared_files}): one row per key, with a version that grows at each write and the node that
 * wrote it last, and when. Table and column names come from the callers' constants, never from input.
 */
final class VersionedRows {
    private VersionedRows() {
    }

    /**
     * Writes the values to the key's row, inserting it at version 1 if there is none, in the caller's
     * transaction.
     *
     * @param values column name to value
     * @return the row's version now
     */
    static long write(Connection c, String table, String keyColumn, String key, Map<String, String> values, String node,
            Instant now) throws SQLException {
        List<String> columns = new ArrayList<>(values.keySet());
        String assignments = String.join(", ", columns.stream().map(column -> column + " = ?").toList());
        try (PreparedStatement update = c.prepareStatement("UPDATE " + table + " SET " + assignments
                + ", version = version + 1, written_by = ?, written_at = ? WHERE " + keyColumn + " = ?")) {
            int i = bind(update, 1, columns, values);
            update.setString(i, node);
            update.setTimestamp(i + 1, Timestamp.from(now));
            update.setString(i + 2, key);
            if (update.executeUpdate() == 0) {
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + table + " (" + keyColumn + ", "
                        + String.join(", ", columns) + ", version, written_by, written_at) VALUES (?, "
                        + "?, ".repeat(columns.size()) + "1, ?, ?)")) {
                    insert.setString(1, key);
                    int j = bind(insert, 2, columns, values);
                    insert.setString(j, node);
                    insert.setTimestamp(j + 1, Timestamp.from(now));
                    insert.executeUpdate();
                }
            }
        }
        try (PreparedStatement select = c.prepareStatement("SELECT version FROM " + table + " WHERE " + keyColumn + " = ?")) {
            select.setString(1, key);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    /** Binds the values from parameter {@code first} on; the next free parameter. */
    private static int bind(PreparedStatement statement, int first, List<String> columns, Map<String, String> values)
            throws SQLException {
        int i = first;
        for (String column : columns) {
            statement.setString(i++, values.get(column));
        }
        return i;
    }
}
