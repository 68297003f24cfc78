package org.wsemail.queue.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue's worker: a thread that claims due entries in batches and hands each batch to a pool of
 * delivery threads (several deliveries wait on other servers at once). Entries for another domain
 * go in groups of up to {@link #PER_CALL}, which one call to the domain's server can take; each
 * other entry alone. It runs every poll interval and whenever something is queued; wake-ups that
 * come while a run is pending coalesce.
 */
final class DeliveryWorker {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryWorker.class);
    static final int BATCH = 50;
    /** The most entries for one domain handed over in one call. */
    static final int PER_CALL = 20;

    private final QueueEntries entries;
    private final Consumer<List<Long>> delivery;
    /** True for a domain whose entries are delivered in groups. */
    private final Predicate<String> grouped;
    private final ScheduledExecutorService worker;
    /** Runs the deliveries of a batch; null to run them on the calling thread. */
    private final ExecutorService deliveries;
    /** A run is waiting to start: a wake-up need not ask for another. */
    private final AtomicBoolean wakePending = new AtomicBoolean();

    /**
     * @param delivery delivers the entries with these ids, all for one domain, and settles them; may
     *     throw, which leaves them due
     * @param grouped true for a domain whose entries {@code delivery} takes several at a time
     * @param worker the worker thread; null for none (tests call {@link #runDue()})
     * @param deliveries the delivery threads; null to deliver on the worker's thread
     */
    DeliveryWorker(QueueEntries entries, Consumer<List<Long>> delivery, Predicate<String> grouped,
            ScheduledExecutorService worker, ExecutorService deliveries) {
        this.entries = entries;
        this.delivery = delivery;
        this.grouped = grouped;
        this.worker = worker;
        this.deliveries = deliveries;
    }

    static ScheduledExecutorService workerThread() {
        return Executors.newSingleThreadScheduledExecutor(task -> new Thread(task, "wsemail-queue"));
    }

    static ExecutorService deliveryThreads(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("delivery.threads must be at least 1, not " + count);
        }
        AtomicInteger number = new AtomicInteger();
        return Executors.newFixedThreadPool(count, task -> new Thread(task, "wsemail-delivery-" + number.incrementAndGet()));
    }

    void start(long pollMillis) {
        worker.scheduleWithFixedDelay(this::runDue, pollMillis, pollMillis, TimeUnit.MILLISECONDS);
    }

    void stop() {
        if (worker != null) {
            worker.shutdownNow();
        }
        if (deliveries != null) {
            deliveries.shutdownNow();
        }
    }

    /** Asks for a run soon. */
    void wake() {
        if (worker != null && !worker.isShutdown() && wakePending.compareAndSet(false, true)) {
            worker.execute(this::runDue);
        }
    }

    /**
     * Delivers every entry that is due, a batch at a time, until a batch comes back short. Never
     * throws. Each entry settled is either gone afterwards or due later, so the batches end; a batch
     * in which one could not be settled ends the run (it is still due, and the next poll tries again).
     */
    synchronized void runDue() {
        wakePending.set(false);
        try {
            List<QueueEntries.Claim> batch;
            boolean settled;
            do {
                batch = entries.claim(BATCH);
                settled = deliverAll(groups(batch));
            } while (settled && batch.size() == BATCH && !Thread.currentThread().isInterrupted());
        } catch (RuntimeException e) {
            LOG.error("A run of the queue worker failed; the due entries stay queued for the next run", e);
        }
    }

    /** The claimed entries in the groups they are delivered in, in claim order. */
    private List<List<Long>> groups(List<QueueEntries.Claim> claimed) {
        List<List<Long>> groups = new ArrayList<>();
        Map<String, List<Long>> open = new LinkedHashMap<>();
        for (QueueEntries.Claim claim : claimed) {
            if (!grouped.test(claim.domain())) {
                groups.add(List.of(claim.id()));
                continue;
            }
            List<Long> group = open.computeIfAbsent(claim.domain(), d -> new ArrayList<>());
            group.add(claim.id());
            if (group.size() == PER_CALL) {
                groups.add(group);
                open.remove(claim.domain());
            }
        }
        groups.addAll(open.values());
        return groups;
    }

    /** Delivers the groups on the delivery threads; when all are done, whether all were settled. */
    private boolean deliverAll(List<List<Long>> groups) {
        if (deliveries == null) {
            groups.forEach(delivery);
            return true;
        }
        boolean settled = true;
        List<Future<?>> running = new ArrayList<>();
        for (List<Long> group : groups) {
            running.add(deliveries.submit(() -> delivery.accept(group)));
        }
        for (Future<?> one : running) {
            try {
                one.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (ExecutionException e) {
                LOG.error("A queue delivery failed and could not be rescheduled; it stays due", e.getCause());
                settled = false;
            }
        }
        return settled;
    }
}
