package org.wsemail.queue.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import org.wsemail.api.server.SignedMail;

/**
 * Messages for this domain that this node queued lately, by message id, as the model: their local
 * delivery need not parse the signed XML again. At most {@code capacity}; thread-safe.
 *
 * <p>When full, the oldest stays and a new message is not kept, unless the oldest has waited
 * longer than {@code stale} (delivered by another node, say, or deleted). The queue delivers
 * oldest first: with more messages waiting than the capacity, dropping the oldest for each new
 * one would drop every message just before its delivery, so none would be found.
 */
final class RememberedMessages {
    private record Remembered(SignedMail mail, Instant at) {
    }

    private final int capacity;
    private final Duration stale;
    private final Clock clock;
    private final Map<String, Remembered> byMessageId = new LinkedHashMap<>();

    RememberedMessages(int capacity, Duration stale, Clock clock) {
        this.capacity = capacity;
        this.stale = stale;
        this.clock = clock;
    }

    /**
     * Keeps the message, as the newest, if there is room (made by dropping the oldest only if it is
     * stale); false if not kept.
     */
    synchronized boolean keep(SignedMail mail) {
        Instant now = clock.instant();
        // Kept again under its id: it moves to the end, so the first is always the oldest.
        byMessageId.remove(mail.messageId());
        if (byMessageId.size() >= capacity) {
            Iterator<Remembered> oldest = byMessageId.values().iterator();
            if (!oldest.next().at().isBefore(now.minus(stale))) {
                return false;
            }
            oldest.remove();
        }
        byMessageId.put(mail.messageId(), new Remembered(mail, now));
        return true;
    }

    /** Takes the message out; null if it is not kept. */
    synchronized SignedMail take(String messageId) {
        Remembered remembered = byMessageId.remove(messageId);
        return remembered == null ? null : remembered.mail();
    }

    /** Forgets the message if {@code mail} is what is kept under its id. */
    synchronized void forget(SignedMail mail) {
        Remembered remembered = byMessageId.get(mail.messageId());
        if (remembered != null && remembered.mail() == mail) {
            byMessageId.remove(mail.messageId());
        }
    }
}
