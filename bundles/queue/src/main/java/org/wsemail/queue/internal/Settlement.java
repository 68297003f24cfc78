package org.wsemail.queue.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

import org.wsemail.api.Address;
import org.wsemail.api.server.DeliveryResult;
import org.wsemail.api.server.DeliveryResult.Status;

/**
 * What an attempt's results mean for an entry, in the manner of Postfix: recipients refused for good
 * are bounced to the sender; recipients not reached are tried again after a backoff that doubles up
 * to a cap, until the entry's lifetime is over, when they are bounced too; an entry with nobody left
 * to try leaves the queue.
 */
final class Settlement {
    private final QueueEntries entries;
    private final Backoff backoff;
    private final Duration lifetime;
    private final Clock clock;
    /** Sends a bounce for the entry's message, with these failures. */
    private final BiConsumer<QueueEntries.Entry, List<DeliveryResult>> bounces;

    Settlement(QueueEntries entries, Backoff backoff, Duration lifetime, Clock clock,
            BiConsumer<QueueEntries.Entry, List<DeliveryResult>> bounces) {
        this.entries = entries;
        this.backoff = backoff;
        this.lifetime = lifetime;
        this.clock = clock;
        this.bounces = bounces;
    }

    /**
     * Settles each entry of a group with its results, in order. Entries delivered to everyone leave
     * the queue together, in one statement; an entry that sent a bounce leaves at once, right after
     * its bounce, so that a failure later in the group cannot send that bounce a second time.
     */
    void settleAll(List<QueueEntries.Entry> group, List<List<DeliveryResult>> outcomes) {
        List<Long> delivered = new ArrayList<>();
        for (int i = 0; i < group.size(); i++) {
            if (settled(group.get(i), outcomes.get(i))) {
                delivered.add(group.get(i).id());
            }
        }
        entries.deleteAll(delivered);
    }

    /**
     * Bounces what was refused for good, reschedules what is pending; true if the entry was delivered
     * to everyone it had left and may leave with its group.
     */
    private boolean settled(QueueEntries.Entry entry, List<DeliveryResult> results) {
        List<DeliveryResult> bounced = new ArrayList<>();
        List<Address> pending = new ArrayList<>();
        String lastError = null;
        for (DeliveryResult result : results) {
            if (result.status() == Status.UNKNOWN_RECIPIENT) {
                bounced.add(result);
            } else if (result.status() == Status.FAILED) {
                pending.add(result.recipient());
                lastError = result.detail();
            }
        }
        Instant now = clock.instant();
        if (!pending.isEmpty() && !now.isBefore(entry.expires())) {
            for (DeliveryResult result : results) {
                if (result.status() == Status.FAILED) {
                    bounced.add(new DeliveryResult(result.recipient(), Status.UNKNOWN_RECIPIENT,
                            "not delivered within " + lifetime.toHours() + " hours; last error: " + result.detail()));
                }
            }
            pending.clear();
        }
        if (!bounced.isEmpty()) {
            bounces.accept(entry, bounced);
        }
        if (!pending.isEmpty()) {
            reschedule(entry, pending, lastError);
            return false;
        }
        if (!bounced.isEmpty()) {
            entries.delete(entry.id());
            return false;
        }
        return true;
    }

    /** Tries the recipients again later. */
    void reschedule(QueueEntries.Entry entry, List<Address> pending, String error) {
        entries.reschedule(entry, pending, clock.instant().plus(backoff.after(entry.attempts() + 1)), error);
    }
}
