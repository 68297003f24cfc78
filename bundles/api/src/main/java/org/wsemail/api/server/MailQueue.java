package org.wsemail.api.server;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;
import org.wsemail.api.MailMessage;

/**
 * The Message Queue: durable, so a message is acknowledged to its sender only once it is committed
 * here. Delivers to local recipients through the {@link LocalMta} and to remote domains through
 * their servers, retrying with backoff and bouncing to the sender when the message expires.
 */
@ProviderType
public interface MailQueue {

    /**
     * Queues a signed message for all its recipients; returns once it is durable.
     *
     * @param signedXml the message XML as this server signed it
     * @return the ids of the queue entries created, one per destination domain
     */
    List<Long> enqueue(MailMessage message, String signedXml);

    /** Entries waiting now, soonest due first. */
    List<QueueEntry> entries();

    /** Makes an entry due now. Returns false if there is no such entry. */
    boolean retryNow(long entryId);

    /** Drops an entry without bouncing it. Returns false if there is no such entry. */
    boolean delete(long entryId);
}
