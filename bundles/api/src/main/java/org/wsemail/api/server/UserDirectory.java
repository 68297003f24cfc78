package org.wsemail.api.server;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;
import org.wsemail.api.Address;

/**
 * The users of this server's domain and their passwords. Passwords are kept only as slow, salted
 * hashes (Argon2id); nothing can read one back.
 */
@ProviderType
public interface UserDirectory {

    /**
     * Adds a user of the local domain.
     *
     * @throws IllegalArgumentException if the address is not in the local domain, the user exists,
     *     or the password is too short
     */
    void add(Address user, char[] password);

    /**
     * Replaces a user's password.
     *
     * @throws UnknownUserException if there is no such user
     * @throws IllegalArgumentException if the password is too short
     */
    void setPassword(Address user, char[] password) throws UnknownUserException;

    /** Deletes a user and their mailbox. Returns false if there was no such user. */
    boolean delete(Address user);

    boolean exists(Address user);

    /** All users, by address. */
    List<Address> list();

    /**
     * Checks a password. Takes about as long for an unknown user as for a wrong password, so that
     * timing does not tell which users exist.
     *
     * @throws java.util.concurrent.RejectedExecutionException if the server is too busy checking
     *         other passwords to check this one now (password hashing is bounded)
     */
    boolean authenticate(Address user, char[] password);

    /** The shortest password accepted. */
    int MIN_PASSWORD_LENGTH = 10;
}
