package org.wsemail.queue.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue's worker: a thread that claims due entries in batches and hands each batch to a pool of
 * delivery threads (several deliveries wait on other servers at once). It runs every poll interval
 * and whenever something is queued; wake-ups that come while a run is pending coalesce.
 */
final class DeliveryWorker {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryWorker.class);
    static final int BATCH = 50;

    private final QueueEntries entries;
    private final LongConsumer delivery;
    private final ScheduledExecutorService worker;
    /** Runs the deliveries of a batch; null to run them on the calling thread. */
    private final ExecutorService deliveries;
    /** A run is waiting to start: a wake-up need not ask for another. */
    private final AtomicBoolean wakePending = new AtomicBoolean();

    /**
     * @param delivery delivers the entry with this id and settles it; may throw, which leaves it due
     * @param worker the worker thread; null for none (tests call {@link #runDue()})
     * @param deliveries the delivery threads; null to deliver on the worker's thread
     */
    DeliveryWorker(QueueEntries entries, LongConsumer delivery, ScheduledExecutorService worker, ExecutorService deliveries) {
        this.entries = entries;
        this.delivery = delivery;
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
            List<Long> batch;
            boolean settled;
            do {
                batch = entries.claim(BATCH);
                settled = deliverAll(batch);
            } while (settled && batch.size() == BATCH && !Thread.currentThread().isInterrupted());
        } catch (RuntimeException e) {
            LOG.error("A run of the queue worker failed; the due entries stay queued for the next run", e);
        }
    }

    /** Delivers the entries on the delivery threads; when all are done, whether all were settled. */
    private boolean deliverAll(List<Long> ids) {
        if (deliveries == null) {
            ids.forEach(delivery::accept);
            return true;
        }
        boolean settled = true;
        List<Future<?>> running = new ArrayList<>();
        for (long id : ids) {
            running.add(deliveries.submit(() -> delivery.accept(id)));
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
