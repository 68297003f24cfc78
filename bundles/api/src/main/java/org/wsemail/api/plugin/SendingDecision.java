package org.wsemail.api.plugin;

import java.util.Objects;
import java.util.Optional;

import org.wsemail.api.MailMessage;

/** What a {@link SendingProcessor} decided about a message. Immutable. */
public final class SendingDecision {
    private static final SendingDecision ACCEPT_UNCHANGED = new SendingDecision(null, null);

    private final MailMessage replacement;
    private final String rejectionReason;

    private SendingDecision(MailMessage replacement, String rejectionReason) {
        this.replacement = replacement;
        this.rejectionReason = rejectionReason;
    }

    /** Let the message pass unchanged. */
    public static SendingDecision accept() {
        return ACCEPT_UNCHANGED;
    }

    /** Let the message pass in this changed form. */
    public static SendingDecision accept(MailMessage changed) {
        return new SendingDecision(Objects.requireNonNull(changed, "changed"), null);
    }

    /** Refuse the message; the sender gets {@code reason} and nothing is queued. */
    public static SendingDecision reject(String reason) {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a rejection needs a reason the sender can read");
        }
        return new SendingDecision(null, reason);
    }

    public boolean isRejected() {
        return rejectionReason != null;
    }

    /** The changed message, if the processor changed it. */
    public Optional<MailMessage> replacement() {
        return Optional.ofNullable(replacement);
    }

    /** The reason given, if the message was rejected. */
    public Optional<String> rejectionReason() {
        return Optional.ofNullable(rejectionReason);
    }
}
