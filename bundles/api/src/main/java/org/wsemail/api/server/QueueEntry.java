package org.wsemail.api.server;

import java.time.Instant;
import java.util.List;

import org.wsemail.api.Address;

/**
 * A message waiting in the queue for one destination domain.
 *
 * @param id the queue entry's id
 * @param messageId the message's id
 * @param sender the sender
 * @param domain the destination domain
 * @param recipients the recipients at that domain
 * @param attempts delivery attempts so far
 * @param nextAttempt when the next attempt is due
 * @param expires when the message is bounced if still undelivered
 * @param lastError why the last attempt failed, or {@code null}
 */
public record QueueEntry(long id, String messageId, Address sender, String domain, List<Address> recipients,
        int attempts, Instant nextAttempt, Instant expires, String lastError) {

    public QueueEntry {
        recipients = List.copyOf(recipients);
    }
}
