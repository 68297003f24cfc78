package org.wsemail.testing;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.wsemail.api.Address;
import org.wsemail.api.server.UnknownUserException;
import org.wsemail.api.server.UserDirectory;

/** A user directory in memory, with the users a test names; passwords are kept as given (tests only). */
public final class InMemoryUserDirectory implements UserDirectory {
    private final Map<Address, String> passwords = new ConcurrentHashMap<>();

    /** With these users, each with the password {@code password-of-<address>}. */
    public InMemoryUserDirectory(Address... users) {
        for (Address user : users) {
            passwords.put(user, "password-of-" + user);
        }
    }

    @Override
    public void add(Address user, char[] password) {
        if (passwords.putIfAbsent(user, new String(password)) != null) {
            throw new IllegalArgumentException("user " + user + " already exists");
        }
    }

    @Override
    public void setPassword(Address user, char[] password) throws UnknownUserException {
        if (passwords.replace(user, new String(password)) == null) {
            throw new UnknownUserException(user);
        }
    }

    @Override
    public boolean delete(Address user) {
        return passwords.remove(user) != null;
    }

    @Override
    public boolean exists(Address user) {
        return passwords.containsKey(user);
    }

    @Override
    public List<Address> list() {
        return passwords.keySet().stream().sorted((a, b) -> a.toString().compareTo(b.toString())).toList();
    }

    @Override
    public boolean authenticate(Address user, char[] password) {
        return new String(password).equals(passwords.get(user));
    }

    /** The users now. */
    public Set<Address> users() {
        return Set.copyOf(passwords.keySet());
    }
}
