package org.wsemail.client;

/** A command line that cannot be carried out as given; the message says what is wrong. */
public class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
