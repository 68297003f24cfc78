package org.wsemail.api.server;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;
import org.wsemail.api.MailMessage;

/**
 * The Message Queue: durable, so a message is acknowledged to its sender only once it is committed
 * here. Delivers to local recipients through the {@link LocalMta} and to remote domains through
 * their servers, retrying with backoff and bouncing to the sender when the message expires.
 *
 * <p>It is also where a message becomes this server's: {@link #submit} signs and queues in one
 * step, for every part of the server that sends (the client endpoint, bounces, the plug-ins' mail
 * context), so that no caller signs and queues by hand.
 */
@ProviderType
public interface MailQueue {

    /**
     * Signs the message as this server and queues it for all its recipients; returns once it is
     * durable.
     *
     * @return the ids of the queue entries created, one per destination domain
     */
    List<Long> submit(MailMessage message);

    /**
     * Signs and queues the message as {@link #submit} does, then delivers it at once on the calling
     * thread instead of the queue's, and returns each recipient's result. Entries that could not be
     * delivered now ({@link DeliveryResult.Status#FAILED}) stay queued and are retried as usual; if
     * this server stops half-way, the queue delivers what is left a little later. Nothing is lost,
     * and nothing is delivered twice.
     *
     * @return one result per recipient
     */
    List<DeliveryResult> submitNow(MailMessage message);

    /**
     * Queues a message as it was signed (by this server or, relayed, by another); returns once it
     * is durable. Queuing the same message id again for a domain keeps the one entry.
     *
     * @return the ids of the queue entries, one per destination domain
     */
    List<Long> enqueue(SignedMail mail);

    /**
     * Tells the sender of {@code original} which recipients it did not reach and why, in a notice
     * from this domain's postmaster. A message that is itself from a postmaster is never bounced,
     * so notices cannot loop.
     *
     * @param failures one result per recipient not reached; its detail is the reason the sender reads
     */
    void bounce(MailMessage original, List<DeliveryResult> failures);

    /** Entries waiting now, soonest due first. */
    List<QueueEntry> entries();

    /** Makes an entry due now. Returns false if there is no such entry. */
    boolean retryNow(long entryId);

    /**
     * Makes every waiting entry due now, at once (as Postfix's queue flush does), except those a node
     * is delivering at this moment. Returns how many.
     */
    int retryAllNow();

    /** Drops an entry without bouncing it. Returns false if there is no such entry. */
    boolean delete(long entryId);

    /**
     * How many entries each node holds now (claimed, being delivered), by node name; a queue that
     * is not shared by nodes answers with its own count under its own name, or nothing.
     */
    default java.util.Map<String, Integer> heldByNode() {
        return java.util.Map.of();
    }
}
