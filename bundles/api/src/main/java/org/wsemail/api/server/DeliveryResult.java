package org.wsemail.api.server;

import java.util.List;
import java.util.Objects;

import org.wsemail.api.Address;

/**
 * How delivery of one message to one recipient ended.
 *
 * @param recipient the recipient
 * @param status how it ended
 * @param detail the mailbox number, the plug-in that consumed it, or why it failed; for people
 */
public record DeliveryResult(Address recipient, Status status, String detail) {

    public DeliveryResult {
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(detail, "detail");
    }

    /** The same outcome for each of {@code recipients}. */
    public static List<DeliveryResult> all(List<Address> recipients, Status status, String detail) {
        return recipients.stream().map(recipient -> new DeliveryResult(recipient, status, detail)).toList();
    }

    /** How delivery to one recipient ended. */
    public enum Status {
        /** In the recipient's mailbox. */
        STORED,
        /** Delivered by a plug-in (pushed as an instant message, routed onward, ...). */
        CONSUMED,
        /**
         * Refused for good by the recipient's server: no such user there, or their mailbox is full
         * (the reason says which). Final: the sender gets a bounce.
         */
        UNKNOWN_RECIPIENT,
        /** Not delivered this time: the queue tries again later. */
        FAILED;

        /** True if nothing more will be tried for this recipient. */
        public boolean isFinal() {
            return this != FAILED;
        }
    }
}
