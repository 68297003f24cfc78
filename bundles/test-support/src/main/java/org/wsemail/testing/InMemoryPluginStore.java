package org.wsemail.testing;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

import org.wsemail.api.Address;
import org.wsemail.api.plugin.PluginStore;

/**
 * A plug-in store in memory, for plug-ins' unit tests. Like the server's, it checks key and value
 * sizes and changes a value atomically; one instance outlives the plug-ins built on it, like a
 * restart.
 */
public final class InMemoryPluginStore implements PluginStore {
    private static final String PLUGIN_WIDE = "";

    private final Map<String, Map<String, String>> owners = new ConcurrentHashMap<>();

    @Override
    public Optional<String> get(Address user, String key) {
        return Optional.ofNullable(ownedBy(owner(user)).get(checked(key)));
    }

    @Override
    public void put(Address user, String key, String value) {
        update(user, key, current -> value);
    }

    @Override
    public boolean remove(Address user, String key) {
        return ownedBy(owner(user)).remove(checked(key)) != null;
    }

    @Override
    public synchronized String update(Address user, String key, UnaryOperator<String> change) {
        Map<String, String> values = ownedBy(owner(user));
        String next = change.apply(values.get(checked(key)));
        if (next == null) {
            values.remove(key);
        } else {
            values.put(key, checkedValue(next));
        }
        return next;
    }

    @Override
    public Map<String, String> entries(Address user) {
        return new TreeMap<>(ownedBy(owner(user)));
    }

    @Override
    public Map<String, String> entriesStartingWith(String prefix) {
        Map<String, String> entries = new TreeMap<>();
        ownedBy(PLUGIN_WIDE).forEach((key, value) -> {
            if (key.startsWith(prefix)) {
                entries.put(key, value);
            }
        });
        return entries;
    }

    @Override
    public Map<Address, String> values(String key) {
        Map<Address, String> values = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
        owners.forEach((owner, entries) -> {
            if (!owner.equals(PLUGIN_WIDE) && entries.containsKey(key)) {
                values.put(Address.parse(owner), entries.get(key));
            }
        });
        return values;
    }

    @Override
    public int removeAll(Address user) {
        Map<String, String> removed = owners.remove(owner(user));
        return removed == null ? 0 : removed.size();
    }

    @Override
    public Optional<String> get(String key) {
        return Optional.ofNullable(ownedBy(PLUGIN_WIDE).get(checked(key)));
    }

    @Override
    public synchronized void put(String key, String value) {
        ownedBy(PLUGIN_WIDE).put(checked(key), checkedValue(value));
    }

    @Override
    public boolean remove(String key) {
        return ownedBy(PLUGIN_WIDE).remove(checked(key)) != null;
    }

    private Map<String, String> ownedBy(String owner) {
        return owners.computeIfAbsent(owner, o -> new ConcurrentHashMap<>());
    }

    private static String owner(Address user) {
        return user.toString();
    }

    private static String checked(String key) {
        if (key == null || key.isEmpty() || key.length() > MAX_KEY) {
            throw new IllegalArgumentException("a key has 1 to " + MAX_KEY + " characters");
        }
        return key;
    }

    private static String checkedValue(String value) {
        if (value.length() > MAX_VALUE) {
            throw new IllegalArgumentException("a value has at most " + MAX_VALUE + " characters");
        }
        return value;
    }
}
