package org.wsemail.queue.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue's worker: a thread that claims due entries in batches and hands their deliveries to a
 * pool of delivery threads (several deliveries wait on other servers at once). Entries for another
 * domain go in groups of up to {@link #PER_CALL}, which one call to the domain's server can take;
 * each other entry alone. It runs every poll interval and whenever something is queued; wake-ups
 * that come while a run is pending coalesce.
 *
 * <p>The worker claims the next batch when the deliveries of the last one have ended, or after
 * {@link #PATIENCE_MILLIS} if some have not: a delivery that waits on a slow server holds up only
 * the entries it carries (waiting for the rest lets mail that came meanwhile go out in larger
 * groups, which costs both servers less a message). At most {@link #IN_FLIGHT} claimed entries
 * wait for or are in delivery at a time, so a backlog is not claimed all at once.
 */
final class DeliveryWorker {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryWorker.class);
    static final int BATCH = 50;
    /** The most entries for one domain handed over in one call. */
    static final int PER_CALL = 20;
    /** The most claimed entries not yet settled: two batches. */
    static final int IN_FLIGHT = 2 * BATCH;
    /** How long the worker waits for a batch's deliveries before it claims the next. */
    static final long PATIENCE_MILLIS = 1_000;

    private final QueueEntries entries;
    private final Consumer<List<Long>> delivery;
    /** True for a domain whose entries are delivered in groups. */
    private final Predicate<String> grouped;
    private final ScheduledExecutorService worker;
    /** Runs the deliveries of a batch; null to run them on the calling thread. */
    private final ExecutorService deliveries;
    /** A run is waiting to start: a wake-up need not ask for another. */
    private final AtomicBoolean wakePending = new AtomicBoolean();
    /** One permit for each claimed entry that may yet be handed over; taken before a claim, given back as each delivery ends. */
    private final Semaphore inFlight = new Semaphore(IN_FLIGHT);
    /** A delivery failed since the worker last looked: the run ends, and the next one tries again. */
    private final AtomicBoolean failed = new AtomicBoolean();

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
     * Hands every entry that is due over for delivery, a batch at a time, until a batch comes back
     * short; returns when the last batch is delivered, or {@link #PATIENCE_MILLIS} after it was handed
     * over if a delivery is still running. Never throws. Each entry settled is either gone afterwards
     * or due later, so the batches end; when a delivery could not be settled, the run ends (the next
     * poll tries again).
     */
    synchronized void runDue() {
        wakePending.set(false);
        failed.set(false);
        try {
            int claimed;
            do {
                claimed = claimAndHandOver();
            } while (claimed == BATCH && !failed.get() && !Thread.currentThread().isInterrupted());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("A run of the queue worker failed; the due entries stay queued for the next run", e);
        }
    }

    /**
     * Runs the due entries' deliveries and waits for every delivery handed over to end (on the delivery
     * threads too); for tests. Returns false if they did not end in time.
     */
    boolean runDueAndWait(long timeout, TimeUnit unit) throws InterruptedException {
        runDue();
        if (!inFlight.tryAcquire(IN_FLIGHT, timeout, unit)) {
            return false;
        }
        inFlight.release(IN_FLIGHT);
        return true;
    }

    /**
     * Claims a batch once deliveries have room for it, hands its groups over and waits for them to be
     * delivered, at most {@link #PATIENCE_MILLIS}; how many entries it claimed.
     */
    private int claimAndHandOver() throws InterruptedException {
        inFlight.acquire(BATCH);
        List<QueueEntries.Claim> batch;
        try {
            batch = entries.claim(BATCH);
        } catch (RuntimeException e) {
            inFlight.release(BATCH);
            throw e;
        }
        inFlight.release(BATCH - batch.size());
        List<List<Long>> groups = groups(batch);
        CountDownLatch delivered = new CountDownLatch(groups.size());
        for (int i = 0; i < groups.size(); i++) {
            List<Long> group = groups.get(i);
            Runnable delivery = () -> deliverAndRelease(group, delivered);
            if (deliveries == null) {
                delivery.run();
                continue;
            }
            try {
                deliveries.execute(delivery);
            } catch (RuntimeException e) {
                // Not handed over (the delivery threads are shutting down): these entries stay claimed until their lease ends.
                groups.subList(i, groups.size()).forEach(rest -> inFlight.release(rest.size()));
                throw e;
            }
        }
        delivered.await(PATIENCE_MILLIS, TimeUnit.MILLISECONDS);
        return batch.size();
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

    /** Delivers a group, then gives its permits back and counts it off its batch, whatever happened. */
    private void deliverAndRelease(List<Long> group, CountDownLatch batch) {
        try {
            delivery.accept(group);
        } catch (RuntimeException e) {
            LOG.error("A queue delivery failed and could not be rescheduled; it stays due", e);
            failed.set(true);
        } finally {
            inFlight.release(group.size());
            batch.countDown();
        }
    }
}
