package org.wsemail.shell.internal;

import java.util.Arrays;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.console.Session;
import org.wsemail.api.Address;
import org.wsemail.api.server.UserDirectory;

/**
 * What the user commands share. The directory is optional so that the other wsemail commands stay
 * available while the mail store is not running.
 */
public abstract class UserCommandSupport implements Action {

    @Reference(optional = true)
    UserDirectory directory;

    @Reference
    Session session;

    protected UserDirectory users() {
        if (directory == null) {
            throw new IllegalStateException("the mail store is not running (feature wsemail-store; is the database up?)");
        }
        return directory;
    }

    protected static Address address(String text) {
        return Address.parse(text.trim());
    }

    /** The password given as an option, else asked for twice without echo. */
    private char[] password(String given) throws java.io.IOException {
        if (given != null) {
            return given.toCharArray();
        }
        String first = session.readLine("Password: ", '*');
        String second = session.readLine("Password again: ", '*');
        if (first == null || !first.equals(second)) {
            throw new IllegalArgumentException("the passwords differ; nothing changed");
        }
        return first.toCharArray();
    }

    /** What a command does with a password it was given or asked for. */
    protected interface PasswordUse {
        void accept(char[] password) throws Exception;
    }

    /** Hands the password (given, or asked for) to {@code use}, then wipes it from memory. */
    protected void withPassword(String given, PasswordUse use) throws Exception {
        char[] secret = password(given);
        try {
            use.accept(secret);
        } finally {
            Arrays.fill(secret, '\0');
        }
    }
}
