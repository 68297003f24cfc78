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

    /**
     * The password in the file given ({@code --password-file}: its first line), else asked for
     * twice without echo. Never taken on the command line, where the shell history would keep it.
     */
    private char[] password(String file) throws java.io.IOException {
        if (file != null) {
            return PasswordFiles.read(file);
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

    /** Hands the password (from the file, or asked for) to {@code use}, then wipes it from memory. */
    protected void withPassword(String passwordFile, PasswordUse use) throws Exception {
        char[] secret = password(passwordFile);
        try {
            use.accept(secret);
        } finally {
            Arrays.fill(secret, '\0');
        }
    }
}
