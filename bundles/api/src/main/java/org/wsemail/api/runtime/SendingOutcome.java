package org.wsemail.api.runtime;

import java.util.Objects;
import java.util.Optional;

import org.wsemail.api.MailMessage;

/** The result of the sending chain: the message to queue, or who refused it and why. Immutable. */
public final class SendingOutcome {
    private final MailMessage message;
    private final String rejectedBy;
    private final String reason;

    private SendingOutcome(MailMessage message, String rejectedBy, String reason) {
        this.message = message;
        this.rejectedBy = rejectedBy;
        this.reason = reason;
    }

    public static SendingOutcome accepted(MailMessage message) {
        return new SendingOutcome(Objects.requireNonNull(message, "message"), null, null);
    }

    public static SendingOutcome rejected(String plugin, String reason) {
        return new SendingOutcome(null, Objects.requireNonNull(plugin, "plugin"), Objects.requireNonNull(reason, "reason"));
    }

    public boolean isAccepted() {
        return message != null;
    }

    /** The message to queue, when accepted. */
    public Optional<MailMessage> message() {
        return Optional.ofNullable(message);
    }

    /** The name of the plug-in that refused the message, when rejected. */
    public Optional<String> rejectedBy() {
        return Optional.ofNullable(rejectedBy);
    }

    /** The plug-in's reason, for the sender, when rejected. */
    public Optional<String> reason() {
        return Optional.ofNullable(reason);
    }

    @Override
    public String toString() {
        return isAccepted() ? "accepted " + message.messageId() : "rejected by " + rejectedBy + ": " + reason;
    }
}
