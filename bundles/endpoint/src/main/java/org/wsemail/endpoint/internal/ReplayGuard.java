package org.wsemail.endpoint.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsemail.api.server.SharedReplayMemory;

/**
 * What was seen recently, to refuse a request presented a second time: a UsernameToken's nonce, a
 * signed request's signature value. Consulted only once the request has proved who sent it (the
 * password checked out, the signature verified), so that unauthenticated traffic never fills it.
 * Bounded in every dimension: a key is kept as its SHA-256 digest whatever its length, an entry
 * lives only as long as the request it came from could be accepted, and beyond the most entries
 * allowed (after expired ones are dropped) a new request is refused rather than the oldest
 * forgotten, since forgetting would let a replay through. Where the domain's nodes share the
 * database, a request this node has not seen is also looked up in the memory they share
 * ({@link SharedReplayMemory}), so a request accepted by one node is a replay at the others; if that
 * memory cannot be reached the request is refused. One memory serves every way of logging in.
 * Thread-safe.
 */
@Component(service = ReplayGuard.class, configurationPid = EndpointSettings.PID)
public final class ReplayGuard {
    private static final Logger LOG = LoggerFactory.getLogger(ReplayGuard.class);

    private final int maxEntries;
    private final Duration lifetime;
    private final long lifetimeNanos;
    private final LongSupplier nanoTime;
    private final Clock clock = Clock.systemUTC();
    private final Map<ByteBuffer, Long> seen = new ConcurrentHashMap<>();
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile SharedReplayMemory shared;

    /** The lifetime of a request: its timestamp's lifetime plus the clock skew allowed. */
    @Activate
    public ReplayGuard(EndpointSettings settings) {
        this(settings.replay_cache_entries(),
                Duration.ofSeconds((long) settings.timestamp_ttl_seconds() + settings.future_ttl_seconds()));
    }

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
        this.lifetime = lifetime;
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
        FULL,
        /** Not seen here, but the memory the nodes share could not be reached: refused, it could be a replay. */
        UNCHECKED
    }

    /** The memory the nodes share, for a test; null for none. */
    void share(SharedReplayMemory memory) {
        this.shared = memory;
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
        if (earlier != null && earlier - now > 0) {
            return Verdict.REPLAY;
        }
        SharedReplayMemory nodes = shared;
        if (nodes == null) {
            return Verdict.NEW;
        }
        try {
            return nodes.firstSight(key.array(), clock.instant().plus(lifetime)) ? Verdict.NEW : Verdict.REPLAY;
        } catch (RuntimeException e) {
            LOG.error("Cannot check a request against the replay memory the nodes share: {}", e.getMessage());
            seen.remove(key);
            return Verdict.UNCHECKED;
        }
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
