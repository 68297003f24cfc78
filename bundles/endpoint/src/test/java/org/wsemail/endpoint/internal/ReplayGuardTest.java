package org.wsemail.endpoint.internal;

import static org.junit.Assert.assertEquals;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.Test;
import org.wsemail.api.server.SharedReplayMemory;
import org.wsemail.endpoint.internal.ReplayGuard.Verdict;

/** A request is new once, a replay while it lives, and the cache never grows beyond its bound. */
public class ReplayGuardTest {
    private final AtomicLong now = new AtomicLong();

    @Test
    public void aRequestSeenWithinItsLifetimeIsAReplayAndNewAgainAfterIt() {
        ReplayGuard guard = new ReplayGuard(10, Duration.ofMinutes(6), now::get);
        assertEquals(Verdict.NEW, guard.firstSight("bob@b.test", "nonce-1", "2026-12-02T10:00:00Z"));
        assertEquals(Verdict.REPLAY, guard.firstSight("bob@b.test", "nonce-1", "2026-12-02T10:00:00Z"));
        assertEquals("the parts are kept apart", Verdict.NEW, guard.firstSight("bob@b.test", "nonce-12026-12-02T10:00:00Z", ""));
        assertEquals(Verdict.NEW, guard.firstSight("eve@b.test", "nonce-1", "2026-12-02T10:00:00Z"));

        now.addAndGet(Duration.ofMinutes(6).toNanos());
        assertEquals("expired: its timestamp is refused anyway by now", Verdict.NEW,
                guard.firstSight("bob@b.test", "nonce-1", "2026-12-02T10:00:00Z"));
    }

    @Test
    public void aFullCacheRefusesNewRequestsUntilEntriesExpireAndKeepsDigestsOnly() {
        ReplayGuard guard = new ReplayGuard(3, Duration.ofSeconds(10), now::get);
        String megabyte = "n".repeat(1 << 20);
        for (int i = 0; i < 3; i++) {
            assertEquals(Verdict.NEW, guard.firstSight("bob@b.test", megabyte + i));
        }
        assertEquals("full of live entries: refused, not remembered over an older one",
                Verdict.FULL, guard.firstSight("bob@b.test", "one more"));
        assertEquals(Verdict.REPLAY, guard.firstSight("bob@b.test", megabyte + 0));
        assertEquals(3, guard.size());

        now.addAndGet(Duration.ofSeconds(10).toNanos());
        assertEquals("expired entries make room", Verdict.NEW, guard.firstSight("bob@b.test", "one more"));
        assertEquals(1, guard.size());
    }

    /** The database the nodes share, as the guard sees it: digests remembered, or out of reach. */
    private static final class SharedMemory implements SharedReplayMemory {
        final Set<ByteBuffer> digests = new HashSet<>();
        boolean reachable = true;

        @Override
        public boolean firstSight(byte[] digest, Instant until) {
            if (!reachable) {
                throw new IllegalStateException("connection refused");
            }
            return digests.add(ByteBuffer.wrap(digest.clone()));
        }
    }

    @Test
    public void aRequestAnotherNodeAcceptedIsAReplayAndOneThatCannotBeCheckedThereIsRefused() {
        SharedMemory database = new SharedMemory();
        ReplayGuard one = new ReplayGuard(10, Duration.ofMinutes(6), now::get);
        ReplayGuard two = new ReplayGuard(10, Duration.ofMinutes(6), now::get);
        one.share(database);
        two.share(database);
        assertEquals(Verdict.NEW, one.firstSight("bob@b.test", "nonce-1"));
        assertEquals("accepted by the other node", Verdict.REPLAY, two.firstSight("bob@b.test", "nonce-1"));
        assertEquals(Verdict.REPLAY, one.firstSight("bob@b.test", "nonce-1"));
        assertEquals("only what this node had not seen goes to the database", 1, database.digests.size());

        database.reachable = false;
        assertEquals(Verdict.UNCHECKED, two.firstSight("bob@b.test", "nonce-2"));
        database.reachable = true;
        assertEquals("not remembered when it could not be checked", Verdict.NEW, two.firstSight("bob@b.test", "nonce-2"));
        assertEquals(Verdict.REPLAY, one.firstSight("bob@b.test", "nonce-2"));
    }
}
