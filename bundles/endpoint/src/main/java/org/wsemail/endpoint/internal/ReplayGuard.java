package org.wsemail.endpoint.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * What was seen recently, to refuse a request presented a second time: a UsernameToken's nonce, a
 * signed request's signature value. Consulted only once the request has proved who sent it (the
 * password checked out, the signature verified), so that unauthenticated traffic never fills it.
 * Bounded in every dimension: a key is kept as its SHA-256 digest whatever its length, an entry
 * lives only as long as the request it came from could be accepted, and beyond the most entries
 * allowed (after expired ones are dropped) a new request is refused rather than the oldest
 * forgotten, since forgetting would let a replay through. Thread-safe.
 */
final class ReplayGuard {
    private final int maxEntries;
    private final long lifetimeNanos;
    private final LongSupplier nanoTime;
    private final Map<ByteBuffer, Long> seen = new ConcurrentHashMap<>();

    /**
     * @param maxEntries the most requests remembered at once
     * @param lifetime how long a request could be accepted (its timestamp's lifetime plus clock skew)
     */
    ReplayGuard(int maxEntries, Duration lifetime) {
        this(maxEntries, lifetime, System::nanoTime);
    }

    ReplayGuard(int maxEntries, Duration lifetime, LongSupplier nanoTime) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("a replay cache needs room for at least one entry");
        }
        this.maxEntries = maxEntries;
        this.lifetimeNanos = lifetime.toNanos();
        this.nanoTime = nanoTime;
    }

    /** What {@link #firstSight} found. */
    enum Verdict {
        /** Not seen before; now remembered. */
        NEW,
        /** Seen within the lifetime: a replay. */
        REPLAY,
        /** Not seen, but the cache is full of live entries: refused, since it could not be remembered. */
        FULL
    }

    /** Whether a request identified by these parts was seen before; remembers it if not. */
    Verdict firstSight(String... parts) {
        ByteBuffer key = ByteBuffer.wrap(digest(parts));
        long now = nanoTime.getAsLong();
        Long expiry = seen.get(key);
        if (expiry != null && expiry - now > 0) {
            return Verdict.REPLAY;
        }
        if (expiry == null && seen.size() >= maxEntries) {
            dropExpired(now);
            if (seen.size() >= maxEntries) {
                return Verdict.FULL;
            }
        }
        Long earlier = seen.put(key, now + lifetimeNanos);
        return earlier != null && earlier - now > 0 ? Verdict.REPLAY : Verdict.NEW;
    }

    /** How many requests are remembered now. */
    int size() {
        return seen.size();
    }

    private void dropExpired(long now) {
        for (Iterator<Long> expiries = seen.values().iterator(); expiries.hasNext();) {
            if (expiries.next() - now <= 0) {
                expiries.remove();
            }
        }
    }

    private static byte[] digest(String... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : parts) {
                sha.update(part.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
