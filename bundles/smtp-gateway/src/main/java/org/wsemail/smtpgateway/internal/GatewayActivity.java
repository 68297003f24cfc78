package org.wsemail.smtpgateway.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.wsemail.api.server.DeliveryResult;

/**
 * What the gateway did lately, for {@code wsemail:smtp-status}: counts since it started and the last
 * outbound deliveries and refusals. In memory only (the queue and the mailboxes hold what matters).
 * Thread-safe.
 */
final class GatewayActivity {
    static final int KEPT = 20;

    /** One outbound attempt: a message, the domain, the server tried, and what became of each recipient. */
    record Outbound(Instant at, String messageId, String domain, String server, List<DeliveryResult> results) {
    }

    private final Clock clock;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final Deque<Outbound> outbound = new ArrayDeque<>();
    private final Deque<String> refusals = new ArrayDeque<>();

    GatewayActivity(Clock clock) {
        this.clock = clock;
    }

    void received() {
        received.incrementAndGet();
    }

    void refusal(String what) {
        refused.incrementAndGet();
        keep(refusals, clock.instant() + " " + what);
    }

    void sent(String messageId, String domain, String server, List<DeliveryResult> results) {
        keep(outbound, new Outbound(clock.instant(), messageId, domain, server, List.copyOf(results)));
    }

    private <T> void keep(Deque<T> recent, T item) {
        synchronized (recent) {
            recent.addFirst(item);
            while (recent.size() > KEPT) {
                recent.removeLast();
            }
        }
    }

    long receivedCount() {
        return received.get();
    }

    long refusedCount() {
        return refused.get();
    }

    /** The last outbound attempts, newest first. */
    List<Outbound> lastOutbound() {
        synchronized (outbound) {
            return List.copyOf(outbound);
        }
    }

    /** The last refusals, newest first. */
    List<String> lastRefusals() {
        synchronized (refusals) {
            return List.copyOf(refusals);
        }
    }
}
