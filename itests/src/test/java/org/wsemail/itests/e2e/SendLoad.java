package org.wsemail.itests.e2e;

import static org.junit.Assert.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.wsemail.api.Address;
import org.wsemail.client.WsemailClient;
import org.wsemail.client.WsemailException;
import org.wsemail.wire.soap.Header;

/**
 * The fault tests' load: sender threads that send mail until stopped, each through its own client,
 * keeping the subjects the server accepted and counting the sends that failed (a failed send waits
 * a tenth of a second before the next). Then: is every accepted message in the mailbox, once?
 */
final class SendLoad implements AutoCloseable {
    /** The subject of a sender's n-th message. */
    interface Subjects {
        String of(int sender, int n);
    }

    private final List<String> accepted = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicBoolean sending = new AtomicBoolean(true);
    private final ExecutorService senders;

    /**
     * @param clients the client of each sender, by its number
     * @param to the recipient of every message
     */
    SendLoad(int threads, IntFunction<WsemailClient> clients, Address to, Subjects subjects) {
        senders = Executors.newFixedThreadPool(threads);
        for (int sender = 0; sender < threads; sender++) {
            int number = sender;
            WsemailClient client = clients.apply(sender);
            senders.submit(() -> send(client, to, n -> subjects.of(number, n)));
        }
    }

    private void send(WsemailClient client, Address to, IntFunction<String> subjects) {
        for (int n = 0; sending.get(); n++) {
            String subject = subjects.apply(n);
            try {
                client.send(List.of(to), subject, "Load.");
                accepted.add(subject);
            } catch (Exception refusedOrCutOff) {
                refused.incrementAndGet();
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Waits until this many messages in all were accepted. */
    void awaitAccepted(int count) throws InterruptedException {
        await("messages accepted", count, accepted::size);
    }

    /** Waits until this many sends in all failed. */
    void awaitRefused(int count) throws InterruptedException {
        await("sends refused", count, refused::get);
    }

    private static void await(String what, int count, Supplier<Integer> now) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (now.get() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + now.get() + " " + what + " in 180 s, waiting for " + count);
            }
            Thread.sleep(20);
        }
    }

    int acceptedCount() {
        return accepted.size();
    }

    int refused() {
        return refused.get();
    }

    /** Stops the senders and waits for them; returns the subjects the server accepted. */
    Set<String> stop() throws InterruptedException {
        sending.set(false);
        senders.shutdown();
        if (!senders.awaitTermination(90, TimeUnit.SECONDS)) {
            throw new AssertionError("the senders did not stop within 90 s");
        }
        return Set.copyOf(accepted);
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    /**
     * Waits until every expected subject is in the mailbox {@code reader} reads, and asserts none is
     * there twice; returns how many times each subject is there. {@code onMissing} says more when
     * some never arrive (the queue, say).
     */
    static Map<String, Long> awaitEachOnce(WsemailClient reader, Set<String> expected, Duration limit,
            Supplier<String> onMissing) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            Map<String, Long> counts = null;
            try {
                counts = reader.inbox(Instant.EPOCH).stream()
                        .collect(Collectors.groupingBy(Header::getSubject, Collectors.counting()));
            } catch (WsemailException notYet) {
                // A server that has just started may publish its client endpoint a moment after the peer endpoint.
                if (System.nanoTime() > deadline) {
                    throw notYet;
                }
            }
            if (counts != null && counts.keySet().containsAll(expected)) {
                Map<String, Long> twice = new TreeMap<>(counts);
                twice.values().removeIf(count -> count < 2);
                assertEquals("messages found twice", Map.of(), twice);
                return counts;
            }
            if (System.nanoTime() > deadline) {
                Set<String> seen = counts == null ? Set.of() : counts.keySet();
                List<String> missing = expected.stream().filter(s -> !seen.contains(s)).sorted().toList();
                throw new AssertionError(missing.size() + " accepted messages missing after " + limit.toSeconds() + " s: "
                        + missing.stream().limit(10).toList() + "; " + onMissing.get());
            }
            Thread.sleep(250);
        }
    }
}
