package org.wsemail.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * A WSEmail message: sender, recipients, subject, body, timestamp, flags and attachments, named by a
 * globally unique message id.
 *
 * <p>Immutable and thread-safe. A plug-in that changes a message builds a new one with {@link
 * #toBuilder()}; the original stays as it was, so a plug-in that fails half-way can never leave a
 * half-changed message behind.
 */
public final class MailMessage {
    private final String messageId;
    private final Address sender;
    private final List<Address> recipients;
    private final String subject;
    private final String body;
    private final Instant timestamp;
    private final Set<MessageFlag> flags;
    private final List<Attachment> attachments;

    private MailMessage(Builder b) {
        this.messageId = requireText(b.messageId, "messageId");
        this.sender = Objects.requireNonNull(b.sender, "sender");
        if (b.recipients.isEmpty()) {
            throw new IllegalArgumentException("a message needs at least one recipient");
        }
        this.recipients = List.copyOf(b.recipients);
        this.subject = Objects.requireNonNull(b.subject, "subject");
        this.body = Objects.requireNonNull(b.body, "body");
        this.timestamp = Objects.requireNonNull(b.timestamp, "timestamp");
        this.flags = Collections.unmodifiableSet(b.flags.isEmpty() ? EnumSet.noneOf(MessageFlag.class) : EnumSet.copyOf(b.flags));
        this.attachments = List.copyOf(b.attachments);
    }

    private static String requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
        return value;
    }

    /** A new builder; the message id defaults to a fresh random UUID and the timestamp to now. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this message's values, to derive a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.messageId = messageId;
        b.sender = sender;
        b.recipients.addAll(recipients);
        b.subject = subject;
        b.body = body;
        b.timestamp = timestamp;
        b.flags.addAll(flags);
        b.attachments.addAll(attachments);
        return b;
    }

    public String messageId() {
        return messageId;
    }

    public Address sender() {
        return sender;
    }

    public List<Address> recipients() {
        return recipients;
    }

    public String subject() {
        return subject;
    }

    public String body() {
        return body;
    }

    public Instant timestamp() {
        return timestamp;
    }

    public Set<MessageFlag> flags() {
        return flags;
    }

    public boolean hasFlag(MessageFlag flag) {
        return flags.contains(flag);
    }

    public List<Attachment> attachments() {
        return attachments;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MailMessage m && messageId.equals(m.messageId) && sender.equals(m.sender)
                && recipients.equals(m.recipients) && subject.equals(m.subject) && body.equals(m.body)
                && timestamp.equals(m.timestamp) && flags.equals(m.flags) && attachments.equals(m.attachments);
    }

    @Override
    public int hashCode() {
        return Objects.hash(messageId, sender, recipients, subject, body, timestamp, flags, attachments);
    }

    @Override
    public String toString() {
        return "MailMessage[" + messageId + " from " + sender + " to " + recipients + ", subject '" + subject + "']";
    }

    /** Collects the values of a {@link MailMessage}. Not thread-safe; use one per thread. */
    public static final class Builder {
        private String messageId = UUID.randomUUID().toString();
        private Address sender;
        private final List<Address> recipients = new ArrayList<>();
        private String subject = "";
        private String body = "";
        private Instant timestamp = Instant.now();
        private final Set<MessageFlag> flags = EnumSet.noneOf(MessageFlag.class);
        private final List<Attachment> attachments = new ArrayList<>();

        private Builder() {
        }

        public Builder messageId(String messageId) {
            this.messageId = messageId;
            return this;
        }

        public Builder sender(Address sender) {
            this.sender = sender;
            return this;
        }

        public Builder recipients(Collection<Address> recipients) {
            this.recipients.clear();
            this.recipients.addAll(recipients);
            return this;
        }

        public Builder recipient(Address recipient) {
            this.recipients.add(Objects.requireNonNull(recipient, "recipient"));
            return this;
        }

        public Builder subject(String subject) {
            this.subject = subject;
            return this;
        }

        public Builder body(String body) {
            this.body = body;
            return this;
        }

        public Builder timestamp(Instant timestamp) {
            this.timestamp = timestamp;
            return this;
        }

        public Builder flags(Collection<MessageFlag> flags) {
            this.flags.clear();
            this.flags.addAll(flags);
            return this;
        }

        public Builder flag(MessageFlag flag) {
            this.flags.add(Objects.requireNonNull(flag, "flag"));
            return this;
        }

        public Builder attachments(Collection<Attachment> attachments) {
            this.attachments.clear();
            this.attachments.addAll(attachments);
            return this;
        }

        public Builder attachment(Attachment attachment) {
            this.attachments.add(Objects.requireNonNull(attachment, "attachment"));
            return this;
        }

        /**
         * @throws IllegalArgumentException or NullPointerException naming the first missing or empty value
         */
        public MailMessage build() {
            return new MailMessage(this);
        }
    }
}
