package org.wsemail.plugins.instantmessaging;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.wsemail.api.Address;
import org.wsemail.api.plugin.PluginStore;

/**
 * Who may message each user live, in the plug-in's store: a mode ({@link Mode}), the addresses the
 * user allowed and those they blocked. A blocked sender is refused live delivery in every mode.
 */
final class AccessLists {
    static final String MODE = "access";
    static final String ALLOWED = "allowed";
    static final String BLOCKED = "blocked";
    /** The most addresses on either list of one user. */
    static final int MOST = 500;

    /** Whom a user takes instant messages from. */
    enum Mode {
        /** Anyone (but the blocked). */
        EVERYONE,
        /** The user's contacts: the addresses they allowed and the users of their own domain. */
        CONTACTS,
        /** The addresses they allowed, no one else. */
        LIST;

        static Mode parse(String text) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("access is everyone, contacts or list, not '" + text + "'");
            }
        }

        String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final PluginStore store;
    private final Mode standard;

    AccessLists(PluginStore store, Mode standard) {
        this.store = store;
        this.standard = standard;
    }

    Mode mode(Address user) {
        return store.get(user, MODE).map(Mode::parse).orElse(standard);
    }

    void setMode(Address user, Mode mode) {
        store.put(user, MODE, mode.word());
    }

    Set<String> allowed(Address user) {
        return list(user, ALLOWED);
    }

    Set<String> blocked(Address user) {
        return list(user, BLOCKED);
    }

    /** Allows {@code who}, and takes them off the blocked list. */
    void allow(Address user, Address who) {
        change(user, ALLOWED, who, true);
        change(user, BLOCKED, who, false);
    }

    /** Blocks {@code who}, and takes them off the allowed list. */
    void deny(Address user, Address who) {
        change(user, BLOCKED, who, true);
        change(user, ALLOWED, who, false);
    }

    /** Whether {@code sender} may message {@code user} live. */
    boolean mayMessage(Address user, Address sender) {
        String who = key(sender);
        if (blocked(user).contains(who)) {
            return false;
        }
        return switch (mode(user)) {
            case EVERYONE -> true;
            case CONTACTS -> sender.domain().equals(user.domain()) || allowed(user).contains(who);
            case LIST -> allowed(user).contains(who);
        };
    }

    private Set<String> list(Address user, String name) {
        return store.get(user, name).map(v -> Arrays.stream(v.split(",")).filter(s -> !s.isBlank())
                .collect(Collectors.toCollection(TreeSet::new))).orElseGet(TreeSet::new);
    }

    private void change(Address user, String name, Address who, boolean add) {
        store.update(user, name, current -> {
            Set<String> entries = current == null ? new TreeSet<>()
                    : Arrays.stream(current.split(",")).filter(s -> !s.isBlank()).collect(Collectors.toCollection(TreeSet::new));
            if (add) {
                entries.add(key(who));
                if (entries.size() > MOST) {
                    throw new IllegalArgumentException("a list holds at most " + MOST + " addresses");
                }
            } else {
                entries.remove(key(who));
            }
            return entries.isEmpty() ? null : String.join(",", entries);
        });
    }

    private static String key(Address address) {
        return address.toString().toLowerCase(Locale.ROOT);
    }
}
