package org.wsemail.api.plugin;

import java.util.Objects;

import org.wsemail.api.Address;

/**
 * What became of a message sent at once ({@link MailContext#submitNow}) for one recipient.
 *
 * @param recipient whom it is about
 * @param outcome what became of it
 * @param detail in words: the mailbox entry, how a plug-in delivered it, why it was refused, what failed
 */
public record DeliveryReport(Address recipient, Outcome outcome, String detail) {

    /** What became of a message for one recipient. */
    public enum Outcome {
        /** In the recipient's mailbox. */
        STORED,
        /** Delivered by a plug-in of the recipient's server (pushed to a client, say); the detail says how. */
        CONSUMED,
        /** Refused for good (no such user, not accepted from this sender, mailbox full); the detail says why. */
        REFUSED,
        /** Not delivered yet (the recipient's server could not be reached): it stays queued and is retried as mail is. */
        PENDING
    }

    public DeliveryReport {
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(outcome, "outcome");
        detail = detail == null ? "" : detail;
    }
}
