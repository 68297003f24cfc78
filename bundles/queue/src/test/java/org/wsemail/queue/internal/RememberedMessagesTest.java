package org.wsemail.queue.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

import org.junit.Test;
import org.wsemail.api.Address;
import org.wsemail.api.MailMessage;
import org.wsemail.api.server.SignedMail;
import org.wsemail.testing.MovableClock;

public class RememberedMessagesTest {
    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-05T04:00:00Z"));
    private final RememberedMessages remembered = new RememberedMessages(10, Duration.ofMinutes(2), clock);
    private int sent;

    private SignedMail next() {
        String id = "m" + ++sent;
        return new SignedMail(MailMessage.builder().messageId(id).sender(Address.parse("alice@a.test"))
                .recipient(Address.parse("anne@a.test")).subject(id).body("hi").timestamp(clock.instant()).build(), "<m>" + id + "</m>");
    }

    /** Keeps {@code first}, then new messages until the memory is full (10); returns {@code first}. */
    private SignedMail fillFrom(SignedMail first) {
        remembered.keep(first);
        for (int i = 0; i < 9; i++) {
            remembered.keep(next());
        }
        return first;
    }

    @Test
    public void withMoreMessagesWaitingThanItHoldsMostAreStillFoundAtTheirDelivery() {
        // Fifteen waiting, oldest delivered first, and one more queued for each delivered: a backlog
        // half again as long as the capacity, as a loaded server has.
        Deque<SignedMail> waiting = new ArrayDeque<>();
        for (int i = 0; i < 15; i++) {
            SignedMail mail = next();
            remembered.keep(mail);
            waiting.add(mail);
        }
        int found = 0;
        for (int i = 0; i < 100; i++) {
            SignedMail delivered = waiting.poll();
            if (remembered.take(delivered.messageId()) == delivered) {
                found++;
            }
            SignedMail mail = next();
            remembered.keep(mail);
            waiting.add(mail);
        }
        // Ten of every fifteen are found (those that came while it was full are parsed at their
        // delivery): 70 of 100. Dropping the oldest for each new one would find none of them.
        assertEquals(70, found);
    }

    @Test
    public void whenFullTheOldestStaysUntilItIsStale() {
        SignedMail first = fillFrom(next());
        SignedMail late = next();
        assertFalse("full: a new message is not kept", remembered.keep(late));
        assertNull(remembered.take(late.messageId()));

        clock.advance(Duration.ofMinutes(3));
        assertTrue("the oldest, stale, gives way", remembered.keep(late));
        assertNull(remembered.take(first.messageId()));
        assertSame(late, remembered.take(late.messageId()));
        assertNull("taken once", remembered.take(late.messageId()));
    }

    @Test
    public void aMessageKeptAgainCountsAsTheNewestSoStaleOnesBeforeItStillGiveWay() {
        SignedMail first = fillFrom(next());
        clock.advance(Duration.ofMinutes(3));
        assertTrue(remembered.keep(first));
        SignedMail late = next();
        assertTrue("the oldest kept before is stale and gives way", remembered.keep(late));
        assertSame(first, remembered.take(first.messageId()));
        assertSame(late, remembered.take(late.messageId()));
    }

    @Test
    public void aMessageWhoseEntriesWereNotStoredIsForgotten() {
        SignedMail mail = next();
        remembered.keep(mail);
        remembered.forget(mail);
        assertNull(remembered.take(mail.messageId()));
        SignedMail again = next();
        remembered.keep(again);
        remembered.forget(new SignedMail(again.message(), again.signedXml()));
        assertSame("only the very message kept is forgotten", again, remembered.take(again.messageId()));
    }
}
