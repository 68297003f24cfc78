package org.wsemail.pluginsmanager.internal;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsemail.api.plugin.Stage;

/**
 * Calls plug-in code so that nothing it does can hurt the message: an exception, an error short of
 * the JVM failing, a {@code null} result, or running past the time limit are logged, counted on the
 * plug-in's entry and turned into a {@code null} result that the chain skips.
 *
 * <p>With a time limit, each call runs on a worker thread while the caller waits; a call that runs
 * past it is interrupted and abandoned. Thread-safe.
 */
final class PluginInvoker {
    private static final Logger LOG = LoggerFactory.getLogger(PluginInvoker.class);

    private final ExecutorService workers;
    private volatile long timeoutMillis;

    /**
     * @param workers runs calls when a time limit is set
     * @param timeoutMillis the time limit per call; 0 or less calls plug-ins on the caller's thread, unlimited
     */
    PluginInvoker(ExecutorService workers, long timeoutMillis) {
        this.workers = workers;
        this.timeoutMillis = timeoutMillis;
    }

    void setTimeoutMillis(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * Calls {@code work} for {@code entry} in {@code stage}.
     *
     * @param subject what the call is about, for the log (e.g. a message id)
     * @return the result, or {@code null} if the call failed
     */
    <T> T call(PluginEntry entry, Stage stage, String subject, Callable<T> work) {
        entry.stats().calls.incrementAndGet();
        long limit = timeoutMillis;
        try {
            T result = limit > 0 ? callWithLimit(work, limit) : work.call();
            if (result == null) {
                failed(entry, stage, subject, "returned nothing", null, false);
            }
            return result;
        } catch (TimeoutException e) {
            failed(entry, stage, subject, "ran past the time limit of " + limit + " ms", null, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed(entry, stage, subject, "interrupted while waiting for it", null, false);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            failed(entry, stage, subject, e.toString(), e, false);
        }
        return null;
    }

    private <T> T callWithLimit(Callable<T> work, long limit) throws Throwable {
        Future<T> future = workers.submit(work);
        try {
            return future.get(limit, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause();
        } catch (TimeoutException | InterruptedException e) {
            future.cancel(true);
            throw e;
        }
    }

    private static void failed(PluginEntry entry, Stage stage, String subject, String what, Throwable cause,
            boolean timedOut) {
        entry.stats().failed(what, timedOut);
        LOG.warn("Plug-in '{}' failed in the {} stage on {}: {}; going on without it",
                entry.name(), stage.label(), subject, what, cause);
    }
}
