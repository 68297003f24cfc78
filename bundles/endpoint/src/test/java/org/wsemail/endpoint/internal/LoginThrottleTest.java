package org.wsemail.endpoint.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.Test;
import org.wsemail.endpoint.internal.LoginThrottle.Limits;

/** Failed logins earn growing delays, then a lockout; per name and per address; success clears. */
public class LoginThrottleTest {
    private static final String BOB = "bob@b.test";
    private static final String HOME = "192.0.2.10";
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final LoginThrottle throttle = new LoginThrottle(new Limits(3, 6, Duration.ofMinutes(15), 100),
            new Limits(10, 100, Duration.ofMinutes(15), 100), now::get);

    @Test
    public void aNameEarnsDoublingDelaysAfterItsFreeFailuresThenALockout() {
        for (int i = 0; i < 3; i++) {
            assertNull("free failure " + i, throttle.refusal(BOB, HOME));
            throttle.failed(BOB, HOME);
        }
        assertNull(throttle.refusal(BOB, HOME));
        throttle.failed(BOB, HOME);
        assertEquals("user must wait 1 s after 4 failed logins", throttle.refusal(BOB, HOME));
        assertEquals("another address is refused too: the name is throttled",
                "user must wait 1 s after 4 failed logins", throttle.refusal(BOB, "198.51.100.7"));
        assertNull("another name from the same address is not", throttle.refusal("carol@b.test", HOME));

        now.addAndGet(500);
        assertNull(throttle.refusal(BOB, HOME));
        throttle.failed(BOB, HOME);
        assertEquals("doubled", "user must wait 1 s after 5 failed logins", throttle.refusal(BOB, HOME));
        now.addAndGet(999);
        assertEquals("user must wait 1 s after 5 failed logins", throttle.refusal(BOB, HOME));
        now.addAndGet(1);
        throttle.failed(BOB, HOME);
        assertEquals("user locked out after 6 failed logins; try again in 900 s", throttle.refusal(BOB, HOME));
        now.addAndGet(Duration.ofMinutes(15).toMillis());
        assertNull("the lockout ends", throttle.refusal(BOB, HOME));
    }

    @Test
    public void anAddressSprayingManyNamesIsThrottledAndASuccessClearsBoth() {
        for (int i = 0; i < 11; i++) {
            throttle.failed("user" + i + "@b.test", HOME);
        }
        assertEquals("client address must wait 1 s after 11 failed logins", throttle.refusal(BOB, HOME));
        assertNull("from elsewhere the name may still log in", throttle.refusal(BOB, "198.51.100.7"));

        throttle.failed(null, "198.51.100.7");
        throttle.succeeded(BOB, HOME);
        assertNull(throttle.refusal(BOB, HOME));
    }
}
