package org.wsemail.store.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.wsemail.api.Address;
import org.wsemail.api.plugin.PluginStore;
import org.wsemail.api.server.DatabaseManager;
import org.wsemail.api.server.PluginStates;

/**
 * Plug-ins' state in the {@code plugin_state} table: one row per plug-in, owner and key; the owner
 * is a user's address, or the empty string for the plug-in's own values. Every call is one
 * transaction.
 */
@Component(service = PluginStates.class)
public class JdbcPluginStates implements PluginStates {
    private static final String DUPLICATE_KEY = "23505";
    /** The owner of plug-in-wide values. */
    private static final String PLUGIN_WIDE = "";
    private static final int MAX_PLUGIN_NAME = 200;
    /** Tries of an update whose insert met a concurrent insert of the same key. */
    private static final int UPDATE_TRIES = 5;

    private final DatabaseManager database;

    @Activate
    public JdbcPluginStates(@Reference DatabaseManager database) {
        this.database = database;
        StoreSchema.migrate(database);
    }

    @Override
    public PluginStore forPlugin(String owner) {
        if (owner == null || owner.isBlank() || owner.length() > MAX_PLUGIN_NAME) {
            throw new IllegalArgumentException("a plug-in's state needs an owner name of 1 to " + MAX_PLUGIN_NAME + " characters");
        }
        return new Store(owner);
    }

    /** The state of one plug-in. */
    private final class Store implements PluginStore {
        private final String plugin;

        Store(String plugin) {
            this.plugin = plugin;
        }

        @Override
        public Optional<String> get(Address user, String key) {
            return Optional.ofNullable(read(owner(user), key));
        }

        @Override
        public void put(Address user, String key, String value) {
            write(owner(user), key, Objects.requireNonNull(value, "value"));
        }

        @Override
        public boolean remove(Address user, String key) {
            return delete(owner(user), key);
        }

        @Override
        public String update(Address user, String key, UnaryOperator<String> change) {
            checkKey(key);
            return update(owner(user), key, change);
        }

        private String update(Connection c, String owner, String key, UnaryOperator<String> change) throws SQLException {
            // Touch the row first: the database then holds its write lock until this transaction ends.
            // A row another transaction inserted meanwhile is not touched yet: touch it once it is read.
            boolean locked = lock(c, owner, key);
            String current = read(c, owner, key);
            if (current != null && !locked) {
                lock(c, owner, key);
                current = read(c, owner, key);
            }
            String next = change.apply(current);
            if (next == null) {
                if (current != null) {
                    delete(c, owner, key);
                }
            } else if (current == null) {
                insert(c, owner, key, checkValue(next));
            } else if (!next.equals(current)) {
                updateValue(c, owner, key, checkValue(next));
            }
            return next;
        }

        /** Takes the row's write lock by changing nothing in it; false if there is no row. */
        private boolean lock(Connection c, String owner, String key) throws SQLException {
            try (PreparedStatement lock = c.prepareStatement("UPDATE plugin_state SET updated_at = updated_at"
                    + " WHERE plugin = ? AND owner = ? AND state_key = ?")) {
                bind(lock, owner, key);
                return lock.executeUpdate() > 0;
            }
        }

        @Override
        public Map<String, String> entries(Address user) {
            Map<String, String> entries = new LinkedHashMap<>();
            query("SELECT state_key, state_value FROM plugin_state WHERE plugin = ? AND owner = ? ORDER BY state_key",
                    owner(user), (key, value) -> entries.put(key, value));
            return entries;
        }

        @Override
        public Map<String, String> entriesStartingWith(String prefix) {
            String pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
            Map<String, String> entries = new LinkedHashMap<>();
            try (Connection c = database.dataSource().getConnection();
                    PreparedStatement select = c.prepareStatement("SELECT state_key, state_value FROM plugin_state"
                            + " WHERE plugin = ? AND owner = ? AND state_key LIKE ? ESCAPE '\\' ORDER BY state_key")) {
                select.setString(1, plugin);
                select.setString(2, PLUGIN_WIDE);
                select.setString(3, pattern);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        entries.put(rows.getString(1), rows.getString(2));
                    }
                }
            } catch (SQLException e) {
                throw new StoreException("cannot read the state of plug-in " + plugin, e);
            }
            return entries;
        }

        @Override
        public Map<Address, String> values(String key) {
            checkKey(key);
            Map<Address, String> values = new LinkedHashMap<>();
            query("SELECT owner, state_value FROM plugin_state WHERE plugin = ? AND state_key = ? AND owner <> ''"
                    + " ORDER BY owner", key, (owner, value) -> values.put(Address.parse(owner), value));
            return values;
        }

        @Override
        public int removeAll(Address user) {
            try (Connection c = database.dataSource().getConnection();
                    PreparedStatement delete = c.prepareStatement("DELETE FROM plugin_state WHERE plugin = ? AND owner = ?")) {
                delete.setString(1, plugin);
                delete.setString(2, owner(user));
                return delete.executeUpdate();
            } catch (SQLException e) {
                throw new StoreException("cannot remove the state of " + user + " in " + plugin, e);
            }
        }

        @Override
        public Optional<String> get(String key) {
            return Optional.ofNullable(read(PLUGIN_WIDE, key));
        }

        @Override
        public void put(String key, String value) {
            write(PLUGIN_WIDE, key, Objects.requireNonNull(value, "value"));
        }

        @Override
        public boolean remove(String key) {
            return delete(PLUGIN_WIDE, key);
        }

        private String read(String owner, String key) {
            checkKey(key);
            try (Connection c = database.dataSource().getConnection()) {
                return read(c, owner, key);
            } catch (SQLException e) {
                throw new StoreException("cannot read " + key + " of " + plugin, e);
            }
        }

        private String read(Connection c, String owner, String key) throws SQLException {
            try (PreparedStatement select = c.prepareStatement("SELECT state_value FROM plugin_state"
                    + " WHERE plugin = ? AND owner = ? AND state_key = ?")) {
                bind(select, owner, key);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? rows.getString(1) : null;
                }
            }
        }

        private void write(String owner, String key, String value) {
            checkKey(key);
            checkValue(value);
            update(owner, key, current -> value);
        }

        /** Runs the change in a transaction; again, on the new value, when a concurrent insert won. */
        private String update(String owner, String key, UnaryOperator<String> change) {
            for (int attempt = 1;; attempt++) {
                try {
                    return database.inTransaction(c -> update(c, owner, key, change));
                } catch (SQLException e) {
                    if (!DUPLICATE_KEY.equals(e.getSQLState()) || attempt == UPDATE_TRIES) {
                        throw new StoreException("cannot write " + key + " of " + plugin, e);
                    }
                }
            }
        }

        private boolean delete(String owner, String key) {
            checkKey(key);
            try (Connection c = database.dataSource().getConnection()) {
                return delete(c, owner, key);
            } catch (SQLException e) {
                throw new StoreException("cannot remove " + key + " of " + plugin, e);
            }
        }

        private boolean delete(Connection c, String owner, String key) throws SQLException {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM plugin_state"
                    + " WHERE plugin = ? AND owner = ? AND state_key = ?")) {
                bind(delete, owner, key);
                return delete.executeUpdate() > 0;
            }
        }

        private void insert(Connection c, String owner, String key, String value) throws SQLException {
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO plugin_state"
                    + " (plugin, owner, state_key, state_value, updated_at) VALUES (?, ?, ?, ?, ?)")) {
                bind(insert, owner, key);
                insert.setString(4, value);
                insert.setTimestamp(5, Timestamp.from(Instant.now()));
                insert.executeUpdate();
            }
        }

        private void updateValue(Connection c, String owner, String key, String value) throws SQLException {
            try (PreparedStatement update = c.prepareStatement("UPDATE plugin_state SET state_value = ?, updated_at = ?"
                    + " WHERE plugin = ? AND owner = ? AND state_key = ?")) {
                update.setString(1, value);
                update.setTimestamp(2, Timestamp.from(Instant.now()));
                update.setString(3, plugin);
                update.setString(4, owner);
                update.setString(5, key);
                update.executeUpdate();
            }
        }

        private void bind(PreparedStatement statement, String owner, String key) throws SQLException {
            statement.setString(1, plugin);
            statement.setString(2, owner);
            statement.setString(3, key);
        }

        private void query(String sql, String argument, RowSink sink) {
            try (Connection c = database.dataSource().getConnection(); PreparedStatement select = c.prepareStatement(sql)) {
                select.setString(1, plugin);
                select.setString(2, argument);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        sink.row(rows.getString(1), rows.getString(2));
                    }
                }
            } catch (SQLException e) {
                throw new StoreException("cannot read the state of " + plugin, e);
            }
        }
    }

    @FunctionalInterface
    private interface RowSink {
        void row(String first, String second);
    }

    private static String owner(Address user) {
        return Objects.requireNonNull(user, "user").toString();
    }

    private static void checkKey(String key) {
        if (key == null || key.isEmpty() || key.length() > PluginStore.MAX_KEY) {
            throw new IllegalArgumentException("a key has 1 to " + PluginStore.MAX_KEY + " characters");
        }
    }

    private static String checkValue(String value) {
        if (value.length() > PluginStore.MAX_VALUE) {
            throw new IllegalArgumentException("a value has at most " + PluginStore.MAX_VALUE + " characters, not "
                    + value.length());
        }
        return value;
    }
}
