package org.wsemail.store.internal;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.wsemail.api.Address;

/**
 * Remembers for a while that a user's password checked out, so that a client making many requests
 * pays for the slow hash once per period rather than on every request (a mail client polls; the
 * paper's benchmark makes a request every few milliseconds). Only a keyed hash of the password is
 * kept (HMAC-SHA-256 under a random key that lives in this process only), never the password;
 * failed checks are never remembered, so guessing still costs the full slow hash each time; a new
 * password or a deleted user is forgotten at once, and a check that read the old password before
 * the change but finished after it is not remembered (a generation counter, taken before the read
 * and compared when remembering). Thread-safe.
 */
final class VerifiedCredentials {
    /** Beyond this many users remembered, start afresh rather than grow. */
    private static final int MAX_ENTRIES = 100_000;

    private final SecretKeySpec key;
    private final long lifetimeNanos;
    private final LongSupplier nanoTime;
    private final Map<Address, Entry> entries = new ConcurrentHashMap<>();
    private final ThreadLocal<Mac> macs;
    /** Counts forgets: a check that began before one may have read a password since changed. */
    private final AtomicLong forgets = new AtomicLong();

    /** When a password check began, as far as forgetting goes. */
    record Generation(long forgets) {
    }

    private record Entry(byte[] tag, long expiresAt) {
    }

    VerifiedCredentials(Duration lifetime) {
        this(lifetime, System::nanoTime);
    }

    VerifiedCredentials(Duration lifetime, LongSupplier nanoTime) {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.key = new SecretKeySpec(secret, "HmacSHA256");
        this.lifetimeNanos = lifetime.toNanos();
        this.nanoTime = nanoTime;
        this.macs = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(key);
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HMAC-SHA-256 is not available", e);
            }
        });
    }

    /** True if this password was verified for this user within the lifetime. */
    boolean matches(Address user, char[] password) {
        if (lifetimeNanos <= 0) {
            return false;
        }
        Entry entry = entries.get(user);
        if (entry == null) {
            return false;
        }
        if (nanoTime.getAsLong() - entry.expiresAt() > 0) {
            entries.remove(user, entry);
            return false;
        }
        return MessageDigest.isEqual(entry.tag(), tag(user, password));
    }

    /** Taken before reading the stored password hash, to hand to {@link #remember}. */
    Generation generation() {
        return new Generation(forgets.get());
    }

    /**
     * Remembers a password that was just verified, unless some user's password changed (or a user
     * was deleted) since the check began: what was checked may be stale.
     */
    void remember(Address user, char[] password, Generation checkBegan) {
        if (lifetimeNanos <= 0) {
            return;
        }
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear();
        }
        Entry entry = new Entry(tag(user, password), nanoTime.getAsLong() + lifetimeNanos);
        entries.put(user, entry);
        if (forgets.get() != checkBegan.forgets()) {
            entries.remove(user, entry);
        }
    }

    /** Forgets what was remembered for a user (their password changed, or they were deleted). */
    void forget(Address user) {
        forgets.incrementAndGet();
        entries.remove(user);
    }

    private byte[] tag(Address user, char[] password) {
        Mac mac = macs.get();
        mac.update(user.toString().getBytes(StandardCharsets.UTF_8));
        mac.update((byte) 0);
        ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] encoded = new byte[bytes.remaining()];
        bytes.get(encoded);
        try {
            return mac.doFinal(encoded);
        } finally {
            Arrays.fill(encoded, (byte) 0);
        }
    }
}
