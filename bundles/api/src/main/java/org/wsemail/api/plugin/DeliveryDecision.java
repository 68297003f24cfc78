package org.wsemail.api.plugin;

import java.util.Objects;
import java.util.Optional;

import org.wsemail.api.MailMessage;

/** What a {@link DeliveryProcessor} did with a message. Immutable. */
public final class DeliveryDecision {
    private static final DeliveryDecision PASS_UNCHANGED = new DeliveryDecision(null, null, null);

    private final MailMessage replacement;
    private final String consumedAs;
    private final String refusal;

    private DeliveryDecision(MailMessage replacement, String consumedAs, String refusal) {
        this.replacement = replacement;
        this.consumedAs = consumedAs;
        this.refusal = refusal;
    }

    /** Pass the message on unchanged. */
    public static DeliveryDecision pass() {
        return PASS_UNCHANGED;
    }

    /** Pass this changed form of the message on. */
    public static DeliveryDecision pass(MailMessage changed) {
        return new DeliveryDecision(Objects.requireNonNull(changed, "changed"), null, null);
    }

    /**
     * The processor has delivered the message itself; it goes no further.
     *
     * @param how a short account for logs and status replies, e.g. "pushed to client"
     */
    public static DeliveryDecision consume(String how) {
        if (how == null || how.isBlank()) {
            throw new IllegalArgumentException("say how the message was delivered");
        }
        return new DeliveryDecision(null, how, null);
    }

    /**
     * The recipient does not take this message, for good: it goes no further, is not stored, and
     * the sender learns why (in a bounce, or at once when they wait for the outcome).
     *
     * @param reason why, in words the sender understands, e.g. "bob@b.test takes instant messages from contacts only"
     */
    public static DeliveryDecision refuse(String reason) {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("say why the message is refused");
        }
        return new DeliveryDecision(null, null, reason);
    }

    public boolean isRefused() {
        return refusal != null;
    }

    /** Why the processor refused the message, if it did. */
    public Optional<String> refusalReason() {
        return Optional.ofNullable(refusal);
    }

    public boolean isConsumed() {
        return consumedAs != null;
    }

    public Optional<MailMessage> replacement() {
        return Optional.ofNullable(replacement);
    }

    /** How the processor delivered the message, if it consumed it. */
    public Optional<String> consumedAs() {
        return Optional.ofNullable(consumedAs);
    }
}
