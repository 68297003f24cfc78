package org.wsemail.api.runtime;

import java.util.Objects;
import java.util.Optional;

import org.wsemail.api.MailMessage;

/** The result of the delivery chain for one recipient. Immutable. */
public final class DeliveryOutcome {
    private final MailMessage message;
    private final String consumedBy;
    private final String consumedAs;

    private DeliveryOutcome(MailMessage message, String consumedBy, String consumedAs) {
        this.message = Objects.requireNonNull(message, "message");
        this.consumedBy = consumedBy;
        this.consumedAs = consumedAs;
    }

    /** No processor consumed the message: store it in the mailbox in this form. */
    public static DeliveryOutcome toMailbox(MailMessage message) {
        return new DeliveryOutcome(message, null, null);
    }

    /** The plug-in {@code plugin} delivered the message itself, as {@code how}. */
    public static DeliveryOutcome consumed(MailMessage message, String plugin, String how) {
        return new DeliveryOutcome(message, Objects.requireNonNull(plugin, "plugin"), Objects.requireNonNull(how, "how"));
    }

    public boolean isConsumed() {
        return consumedBy != null;
    }

    /** The message as the last processor that saw it left it. */
    public MailMessage message() {
        return message;
    }

    public Optional<String> consumedBy() {
        return Optional.ofNullable(consumedBy);
    }

    public Optional<String> consumedAs() {
        return Optional.ofNullable(consumedAs);
    }

    @Override
    public String toString() {
        return isConsumed() ? "consumed by " + consumedBy + " (" + consumedAs + ")" : "to mailbox " + message.messageId();
    }
}
