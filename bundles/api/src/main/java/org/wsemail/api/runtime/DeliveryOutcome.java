package org.wsemail.api.runtime;

import java.util.Objects;
import java.util.Optional;

import org.wsemail.api.MailMessage;

/** The result of the delivery chain for one recipient. Immutable. */
public final class DeliveryOutcome {
    private final MailMessage message;
    private final String consumedBy;
    private final String consumedAs;
    private final String refusal;

    private DeliveryOutcome(MailMessage message, String consumedBy, String consumedAs, String refusal) {
        this.message = Objects.requireNonNull(message, "message");
        this.consumedBy = consumedBy;
        this.consumedAs = consumedAs;
        this.refusal = refusal;
    }

    /** No processor consumed the message: store it in the mailbox in this form. */
    public static DeliveryOutcome toMailbox(MailMessage message) {
        return new DeliveryOutcome(message, null, null, null);
    }

    /** The plug-in {@code plugin} delivered the message itself, as {@code how}. */
    public static DeliveryOutcome consumed(MailMessage message, String plugin, String how) {
        return new DeliveryOutcome(message, Objects.requireNonNull(plugin, "plugin"), Objects.requireNonNull(how, "how"), null);
    }

    /** The plug-in {@code plugin} refused the message for this recipient, for good, because {@code reason}. */
    public static DeliveryOutcome refused(MailMessage message, String plugin, String reason) {
        return new DeliveryOutcome(message, Objects.requireNonNull(plugin, "plugin"), null, Objects.requireNonNull(reason, "reason"));
    }

    /** True if a plug-in refused the message: it is neither stored nor delivered. */
    public boolean isRefused() {
        return refusal != null;
    }

    /** Why, if a plug-in refused it. */
    public Optional<String> refusalReason() {
        return Optional.ofNullable(refusal);
    }

    public boolean isConsumed() {
        return consumedAs != null;
    }

    /** The message as the last processor that saw it left it. */
    public MailMessage message() {
        return message;
    }

    /** The plug-in that consumed or refused the message. */
    public Optional<String> consumedBy() {
        return Optional.ofNullable(consumedBy);
    }

    public Optional<String> consumedAs() {
        return Optional.ofNullable(consumedAs);
    }

    @Override
    public String toString() {
        if (isRefused()) {
            return "refused by " + consumedBy + " (" + refusal + ")";
        }
        return isConsumed() ? "consumed by " + consumedBy + " (" + consumedAs + ")" : "to mailbox " + message.messageId();
    }
}
