package org.wsemail.api.plugin;

import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

import org.osgi.annotation.versioning.ProviderType;
import org.wsemail.api.Address;

/**
 * A plug-in's persistent state: text values under keys, either for one user or for the plug-in as a
 * whole, kept in the server's database so they survive restarts and reinstalls of the plug-in.
 * Each method is one transaction; {@link #update} reads and writes a value in one, so concurrent
 * calls on the same key never lose an update.
 *
 * <p>Keys are 1 to {@value #MAX_KEY} characters; values at most {@value #MAX_VALUE}. Larger state
 * (files, say) does not belong here. Thread-safe.
 */
@ProviderType
public interface PluginStore {

    /** The longest key. */
    int MAX_KEY = 400;

    /** The longest value. */
    int MAX_VALUE = 32_000;

    /** The user's value under {@code key}. */
    Optional<String> get(Address user, String key);

    /** Sets the user's value under {@code key}. */
    void put(Address user, String key, String value);

    /** Removes the user's value under {@code key}; false if there was none. */
    boolean remove(Address user, String key);

    /**
     * Changes the user's value under {@code key} atomically.
     *
     * @param change given the current value, or null if there is none, returns the new value, or
     *     null to remove it; it may be called more than once (when a concurrent change wins), so it
     *     must have no other effect
     * @return the new value, or null if there is none now
     */
    String update(Address user, String key, UnaryOperator<String> change);

    /** All of one user's values, by key. */
    Map<String, String> entries(Address user);

    /** Every user's value under {@code key}, by user. */
    Map<Address, String> values(String key);

    /** Removes all of one user's values; returns how many there were. */
    int removeAll(Address user);

    /** The plug-in-wide value under {@code key}. */
    Optional<String> get(String key);

    /** Sets the plug-in-wide value under {@code key}. */
    void put(String key, String value);

    /** Removes the plug-in-wide value under {@code key}; false if there was none. */
    boolean remove(String key);

    /** The plug-in-wide values whose keys start with {@code prefix} (all for an empty one), by key. */
    Map<String, String> entriesStartingWith(String prefix);
}
