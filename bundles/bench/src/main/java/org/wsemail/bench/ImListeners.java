package org.wsemail.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.wsemail.api.Address;
import org.wsemail.client.ReadMessage;
import org.wsemail.client.WsemailClient;
import org.wsemail.client.WsemailException;
import org.wsemail.messaging.InstantMessages;
import org.wsemail.messaging.PushEndpoint;

/**
 * The clients online for the instant-messaging part of a run (the paper's SendIM): each logged in
 * as a bench user, registered, reached by push to an endpoint of its own (or by polling). A bench
 * instant message carries the time its sender's request began; a listener notes, when it has read
 * and checked the message as {@code wsemail im listen} does, how long it took: the push latency.
 */
final class ImListeners implements AutoCloseable {
    /** The text of a bench instant message: a mark, its sender's start time in epoch microseconds, and an id. */
    static final String MARK = "bench-im ";

    private final List<Listener> listeners = new ArrayList<>();
    private final ConcurrentLinkedQueue<Long> latencyMicros = new ConcurrentLinkedQueue<>();
    private final AtomicInteger unverified = new AtomicInteger();
    private final AtomicInteger warmups = new AtomicInteger();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final boolean push;

    private final class Listener {
        final InstantMessages messages;
        final PushEndpoint endpoint;
        final String registered;
        final Thread poller;

        Listener(BenchSettings settings, Address user) throws WsemailException, IOException {
            WsemailClient client = new WsemailClient(settings.server(), user, settings.password(), settings.trusted());
            this.messages = new InstantMessages(client);
            this.endpoint = push ? new PushEndpoint(new InetSocketAddress(0), PushEndpoint.reachableHost(settings.server().getHost(),
                    settings.server().getPort()), this::arrived) : null;
            this.registered = messages.register(Duration.ofMinutes(10), null, endpoint).client();
            if (push) {
                poller = null;
            } else {
                InstantMessages polling = new InstantMessages(new WsemailClient(settings.server(), user, settings.password(),
                        settings.trusted()));
                poller = new Thread(() -> poll(polling), "bench-im-poll");
                poller.setDaemon(true);
                poller.start();
            }
        }

        private void arrived(String signedXml) {
            record(messages.received(signedXml));
        }

        private void poll(InstantMessages polling) {
            while (running.get()) {
                try {
                    polling.poll(registered, Duration.ofSeconds(20)).forEach(ImListeners.this::record);
                } catch (WsemailException | RuntimeException e) {
                    if (!running.get()) {
                        return;
                    }
                }
            }
        }
    }

    /** Starts {@code count} listening clients, client k logged in as instant-message user k mod their number. */
    ImListeners(BenchSettings settings, int count, boolean push) throws WsemailException, IOException {
        this.push = push;
        for (int k = 0; k < count; k++) {
            listeners.add(new Listener(settings, settings.imUsers().get(k % settings.imUsers().size())));
        }
    }

    private void record(ReadMessage message) {
        long now = Sample.epochMicros();
        String body = message.message().body();
        if (!body.startsWith(MARK)) {
            return;
        }
        if (!message.verified()) {
            unverified.incrementAndGet();
        }
        int space = body.indexOf(' ', MARK.length());
        if (isWarmup(body.substring(space + 1))) {
            warmups.incrementAndGet();
            return;
        }
        long sent = Long.parseLong(body.substring(MARK.length(), space));
        latencyMicros.add(now - sent);
    }

    /** Whether a bench message id ({@code client.request}) is one of a client's warm-up requests, numbered below 0. */
    static boolean isWarmup(String id) {
        return id.substring(id.indexOf('.') + 1).startsWith("-");
    }

    /** Prints how many arrived and the push latency's median and 99th percentile, over the measured requests. */
    void report(PrintStream out) {
        long[] micros = latencyMicros.stream().mapToLong(Long::longValue).sorted().toArray();
        if (micros.length == 0) {
            out.printf("instant messages: %d clients online (%s), none of the measured ones arrived (%d of the warm-up)%n",
                    listeners.size(), push ? "push" : "poll", warmups.get());
            return;
        }
        out.printf("instant messages: %d clients online (%s), %d arrivals (and %d of warm-up requests, not timed), %d with a"
                + " signature that did not verify; push latency, sender's request to the listening client's line: p50 %.1f ms,"
                + " p99 %.1f ms, max %.1f ms%n", listeners.size(), push ? "push" : "poll", micros.length, warmups.get(),
                unverified.get(), percentile(micros, 0.50) / 1000.0, percentile(micros, 0.99) / 1000.0, micros[micros.length - 1] / 1000.0);
    }

    private static long percentile(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    @Override
    public void close() {
        running.set(false);
        for (Listener listener : listeners) {
            try {
                listener.messages.unregister(listener.registered);
            } catch (WsemailException | RuntimeException e) {
                // the server forgets it when the registration expires
            }
            if (listener.endpoint != null) {
                listener.endpoint.close();
            }
            if (listener.poller != null) {
                listener.poller.interrupt();
            }
        }
    }

    static String text(long startMicros, String id) {
        return MARK + startMicros + " " + id;
    }
}
