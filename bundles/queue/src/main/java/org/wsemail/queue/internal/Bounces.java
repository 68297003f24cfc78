package org.wsemail.queue.internal;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import org.wsemail.api.Address;
import org.wsemail.api.MailMessage;
import org.wsemail.api.server.DeliveryResult;

/** Builds the report that tells a sender which recipients their message did not reach, and why. */
final class Bounces {
    static final String POSTMASTER = "postmaster";

    private Bounces() {
    }

    /** True for mail from a postmaster (a bounce, or another server's notice): it is never bounced, so bounces cannot loop. */
    static boolean isFromPostmaster(MailMessage message) {
        return isPostmaster(message.sender());
    }

    static boolean isPostmaster(Address address) {
        return address.localPart().toLowerCase(Locale.ROOT).equals(POSTMASTER);
    }

    static MailMessage bounce(MailMessage original, List<DeliveryResult> failures, Address postmaster, Instant now) {
        StringBuilder body = new StringBuilder()
                .append("Your message could not be delivered to ")
                .append(failures.size() == 1 ? "this recipient" : "these recipients").append(":\n\n");
        for (DeliveryResult failure : failures) {
            body.append("  ").append(failure.recipient()).append(": ").append(failure.detail()).append('\n');
        }
        body.append("\nMessage id: ").append(original.messageId())
                .append("\nSent: ").append(original.timestamp())
                .append("\nSubject: ").append(original.subject()).append('\n');
        return MailMessage.builder()
                .messageId("bounce-" + UUID.randomUUID() + "@" + postmaster.domain())
                .sender(postmaster)
                .recipient(original.sender())
                .subject("Undelivered mail: " + original.subject())
                .body(body.toString())
                .timestamp(now)
                .build();
    }
}
