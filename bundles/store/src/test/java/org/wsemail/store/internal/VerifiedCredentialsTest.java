package org.wsemail.store.internal;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.Test;
import org.wsemail.api.Address;

/** What is remembered, for how long, and what is never remembered. */
public class VerifiedCredentialsTest {
    private static final Address BOB = Address.parse("bob@b.test");
    private final AtomicLong now = new AtomicLong();
    private final VerifiedCredentials verified = new VerifiedCredentials(Duration.ofMinutes(5), now::get);

    @Test
    public void aVerifiedPasswordIsRememberedForItsUserOnlyUntilItExpires() {
        assertFalse(verified.matches(BOB, "correct horse".toCharArray()));
        verified.remember(BOB, "correct horse".toCharArray(), verified.generation());
        assertTrue(verified.matches(BOB, "correct horse".toCharArray()));
        assertFalse("another password", verified.matches(BOB, "correct horsf".toCharArray()));
        assertFalse("another user", verified.matches(Address.parse("eve@b.test"), "correct horse".toCharArray()));

        now.addAndGet(Duration.ofMinutes(5).toNanos() - 1);
        assertTrue(verified.matches(BOB, "correct horse".toCharArray()));
        now.addAndGet(2);
        assertFalse("expired", verified.matches(BOB, "correct horse".toCharArray()));
    }

    @Test
    public void forgettingAndAZeroLifetimeRememberNothing() {
        verified.remember(BOB, "correct horse".toCharArray(), verified.generation());
        verified.forget(BOB);
        assertFalse(verified.matches(BOB, "correct horse".toCharArray()));

        VerifiedCredentials never = new VerifiedCredentials(Duration.ZERO, now::get);
        never.remember(BOB, "correct horse".toCharArray(), never.generation());
        assertFalse(never.matches(BOB, "correct horse".toCharArray()));
    }

    @Test
    public void aCheckThatBeganBeforeAPasswordChangeIsNotRemembered() {
        VerifiedCredentials.Generation checkBegan = verified.generation();
        verified.forget(BOB);
        verified.remember(BOB, "old password".toCharArray(), checkBegan);
        assertFalse("the old password, read before the change, is not remembered", verified.matches(BOB, "old password".toCharArray()));

        verified.remember(BOB, "new password".toCharArray(), verified.generation());
        assertTrue(verified.matches(BOB, "new password".toCharArray()));
    }
}
