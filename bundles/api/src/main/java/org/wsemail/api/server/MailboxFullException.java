package org.wsemail.api.server;

import org.wsemail.api.Address;

/**
 * Storing the message would take the mailbox beyond its quota. Unchecked, so that stores without a
 * quota need not declare it; a delivery that meets it refuses the message for that recipient for
 * good (the sender gets a bounce).
 */
public class MailboxFullException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Address mailbox;

    public MailboxFullException(Address mailbox, long usedBytes, long messageBytes, long quotaBytes) {
        super("the mailbox of " + mailbox + " is full: " + mib(usedBytes) + " MiB of its " + mib(quotaBytes)
                + " MiB quota used; the message (" + mib(messageBytes) + " MiB) does not fit");
        this.mailbox = mailbox;
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.2f", bytes / (1024.0 * 1024.0));
    }

    public Address mailbox() {
        return mailbox;
    }
}
