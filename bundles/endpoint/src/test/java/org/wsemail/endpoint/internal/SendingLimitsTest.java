package org.wsemail.endpoint.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.Test;
import org.wsemail.api.Address;

public class SendingLimitsTest {
    private static final Address ALICE = Address.parse("alice@a.test");
    private static final Address BOB = Address.parse("bob@a.test");

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final SendingLimits limits = new SendingLimits(new SendingLimits.Limits(0, 5, 10_000),
            new SendingLimits.Limits(1, 1, 100), now::get);

    private void after(Duration wait) {
        now.addAndGet(wait.toMillis());
    }

    @Test
    public void anHoursSendsAddUpAndEachIsForgottenAnHourAfterItWasSent() throws Exception {
        limits.reserve(ALICE, false, 3, 100);
        after(Duration.ofMinutes(30));
        limits.reserve(ALICE, false, 2, 100);
        after(Duration.ofMinutes(10));
        SendingLimits.Exceeded full = assertThrows(SendingLimits.Exceeded.class, () -> limits.reserve(ALICE, false, 1, 100));
        assertEquals("sending this would make 6 recipients within an hour; a user may reach at most 5 an hour; try again later",
                full.getMessage());
        limits.reserve(BOB, false, 5, 100);

        after(Duration.ofMinutes(20));
        limits.reserve(ALICE, false, 3, 100);
        assertThrows(SendingLimits.Exceeded.class, () -> limits.reserve(ALICE, false, 1, 100));
        after(Duration.ofMinutes(30));
        limits.reserve(ALICE, false, 2, 100);
    }

    @Test
    public void theVolumeIsEachMessagesSizeTimesItsRecipientsOverTheHour() throws Exception {
        limits.reserve(ALICE, false, 2, 3_000);
        SendingLimits.Exceeded full = assertThrows(SendingLimits.Exceeded.class, () -> limits.reserve(ALICE, false, 1, 4_001));
        assertEquals("sending this (3.9 KiB: its size times its recipients) would make 9.8 KiB within an hour; a user may send"
                + " at most 9.8 KiB an hour; try again later", full.getMessage());
        limits.reserve(ALICE, false, 1, 4_000);
        after(Duration.ofHours(1));
        limits.reserve(ALICE, false, 2, 5_000);
    }

    @Test
    public void aReleasedReservationCountsForNothingAndOnlyOnce() throws Exception {
        SendingLimits.Reservation refused = limits.reserve(ALICE, false, 4, 100);
        limits.reserve(ALICE, false, 1, 100);
        limits.release(refused);
        limits.release(refused);
        limits.reserve(ALICE, false, 4, 100);
        assertThrows(SendingLimits.Exceeded.class, () -> limits.reserve(ALICE, false, 1, 100));
    }
}
