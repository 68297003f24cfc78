package org.wsemail.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.wsemail.api.Address;
import org.wsemail.bench.BenchSettings.Operation;
import org.wsemail.bench.Sample.Kind;
import org.wsemail.client.WsemailClient;
import org.wsemail.client.WsemailException;
import org.wsemail.messaging.InstantMessages;
import org.wsemail.wire.soap.Header;

/**
 * The paper's test bed as a tool. A coordinator runs N clients (threads, optionally spread over
 * separate JVM processes), each sending R requests drawn from a weighted mix of send, list,
 * retrieve and delete to the local server and timing each; each send goes to a randomly chosen
 * bench user and to the external recipients. Optionally a load generator, logged in at the external
 * server, sends one message per second to each bench user, as the paper's external server did.
 * Then the figures the paper reports (mean, variance, min, max) with percentiles, throughput and
 * the bytes of each operation, beside the paper's own.
 *
 * <p>Client {@code t} acts as bench user {@code t mod U}. A client learns its message ids from its
 * own list requests and only reads and deletes ids that are its share of that inbox (id modulo the
 * number of clients sharing the user), so clients never race for a message, and retrieve and delete
 * cost one request each, as in the paper.
 */
final class LoadRun {
    /** Words for message bodies: text compresses like mail does, unlike one repeated letter. */
    private static final String[] WORDS = ("the of and to in is that for it as was with be by on not he this are or his from at "
            + "which but have an they you were her she there been one all we their has would when if so no will can more "
            + "about said up out what some into them than only other new time could these two may then first any like my "
            + "now over such our man me even most made after also did many before must through back years where much your "
            + "way well down should because each just those people how too little state good very make world still own see "
            + "men work long get here between both life being under never day same another know while last might us great "
            + "old year off come since against go came right used take three meeting invoice report budget quarter review")
            .split(" ");

    private LoadRun() {
    }

    /**
     * Runs the load and prints the report; returns the number of failed requests.
     *
     * @param workerCommand the command line that starts one worker process, to which
     *        {@code --first-client i --clients k} is added; used when the settings ask for processes
     * @param workerEnvironment what a worker process needs in its environment besides this one's
     */
    static int run(BenchSettings settings, PrintStream out, boolean showProgress, String jsonFile, String histogramFile,
            List<String> workerCommand, Map<String, String> workerEnvironment) throws IOException, InterruptedException {
        ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
        AtomicInteger done = new AtomicInteger();
        Consumer<Sample> sink = sample -> {
            samples.add(sample);
            if (sample.counted()) {
                done.incrementAndGet();
            }
        };
        AtomicBoolean running = new AtomicBoolean(true);
        LoadCounts load = new LoadCounts();
        ImListeners online = null;
        if (settings.imListeners() > 0) {
            try {
                online = new ImListeners(settings, settings.imListeners(), settings.imPush());
            } catch (WsemailException e) {
                throw new IOException("cannot bring the instant-messaging clients online: " + e.getMessage(), e);
            }
        }
        Thread generator = settings.load() == null ? null : new Thread(() -> generateLoad(settings, running, load), "bench-load");
        long start = System.nanoTime();
        if (generator != null) {
            generator.start();
        }
        List<Thread> feeders = new ArrayList<>();
        List<Process> processes = new ArrayList<>();
        if (settings.processes() <= 1) {
            feeders.addAll(clients(settings, 0, settings.threads(), sink));
        } else {
            int per = (settings.threads() + settings.processes() - 1) / settings.processes();
            for (int first = 0; first < settings.threads(); first += per) {
                List<String> line = new ArrayList<>(workerCommand);
                line.addAll(List.of("--first-client", String.valueOf(first), "--clients",
                        String.valueOf(Math.min(per, settings.threads() - first))));
                ProcessBuilder builder = new ProcessBuilder(line).redirectError(ProcessBuilder.Redirect.INHERIT);
                builder.environment().putAll(workerEnvironment);
                Process process = builder.start();
                processes.add(process);
                feeders.add(readWorker(process, sink));
            }
        }
        int total = settings.threads() * settings.requests();
        for (Thread feeder : feeders) {
            while (feeder.isAlive()) {
                feeder.join(500);
                if (showProgress) {
                    progress(out, done.get(), total);
                }
            }
        }
        for (Process process : processes) {
            if (process.waitFor() != 0) {
                out.println();
                out.println("a worker process ended with status " + process.exitValue());
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        running.set(false);
        if (generator != null) {
            generator.join();
        }
        if (showProgress) {
            progress(out, done.get(), total);
            out.println();
        }
        List<Sample> all = new ArrayList<>(samples);
        long missing = Math.max(0, (long) total - done.get());
        if (histogramFile != null) {
            Map<String, double[]> millis = new LinkedHashMap<>();
            for (Operation operation : Operation.values()) {
                millis.put(operation.name().toLowerCase(Locale.ROOT), all.stream()
                        .filter(s -> s.operation() == operation && s.timed()).mapToDouble(s -> s.nanos() / 1e6).toArray());
            }
            LatencyHistogram.write(Path.of(histogramFile), settings.threads() + " clients x " + settings.requests()
                    + " requests, " + settings.bodyBytes() + "-byte bodies, against " + settings.server(), millis);
            out.println("latency histogram written to " + histogramFile);
        }
        int failures = BenchReport.report(settings, all, missing, load, seconds, out, jsonFile);
        if (online != null) {
            online.report(out);
            online.close();
        }
        return failures;
    }

    /** Starts clients {@code first .. first+count-1} in this process, a thread each. */
    static List<Thread> clients(BenchSettings settings, int first, int count, Consumer<Sample> sink) {
        List<Thread> threads = new ArrayList<>();
        for (int t = first; t < first + count; t++) {
            int client = t;
            Thread thread = new Thread(() -> client(settings, client, sink), "bench-" + t);
            thread.start();
            threads.add(thread);
        }
        return threads;
    }

    /** Reads a worker process's sample lines into {@code sink}. */
    private static Thread readWorker(Process process, Consumer<Sample> sink) {
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.startsWith("sample ")) {
                        sink.accept(Sample.parse(line));
                    }
                }
            } catch (IOException e) {
                // the process ended; its exit status tells
            }
        }, "bench-worker-reader");
        reader.start();
        return reader;
    }

    private static WsemailClient connect(BenchSettings settings, Address user) throws WsemailException {
        if (settings.certificate() != null) {
            return WsemailClient.withCertificate(settings.server(), settings.certificate(), settings.password(), settings.trusted());
        }
        return new WsemailClient(settings.server(), user, settings.password(), settings.trusted());
    }

    /** One client of the test bed: primes its inbox, then runs its requests. */
    private static void client(BenchSettings settings, int index, Consumer<Sample> sink) {
        int users = settings.users().size();
        Address user = settings.users().get(index % users);
        // The clients sharing this user, and this client's rank among them: its share of the inbox.
        int sharers = (settings.threads() - index % users + users - 1) / users;
        int share = index / users;
        SplittableRandom random = new SplittableRandom(1000L + index);
        WsemailClient client;
        try {
            client = connect(settings, user);
        } catch (WsemailException | RuntimeException e) {
            for (int i = 0; i < settings.requests(); i++) {
                sink.accept(Sample.untimed(Operation.SEND, Kind.MEASURED, "logging in as " + user + ": " + e.getMessage()));
            }
            return;
        }
        InstantMessages instant = new InstantMessages(client);
        List<Long> known = new ArrayList<>();
        try {
            for (int i = 0; i < settings.primed(); i++) {
                client.send(List.of(user), "primer " + index + "." + i, body(random, settings.bodyBytes()));
            }
            known = own(client.inbox(Instant.EPOCH), sharers, share);
        } catch (WsemailException e) {
            sink.accept(Sample.untimed(Operation.SEND, Kind.SETUP, "priming the inbox: " + e.getMessage()));
        }
        int totalWeight = settings.mix().values().stream().mapToInt(Integer::intValue).sum();
        for (int i = -settings.warmup(); i < settings.requests(); i++) {
            Operation operation = BenchSettings.pick(settings.mix(), random.nextInt(totalWeight));
            if ((operation == Operation.RETRIEVE || operation == Operation.DELETE) && known.isEmpty()) {
                // The ids this client knew are gone; what arrived since, it learns with a list
                // request that is reported apart (not timed, not in the mix).
                try {
                    known = own(client.inbox(Instant.EPOCH), sharers, share);
                    if (i >= 0) {
                        sink.accept(Sample.untimed(Operation.LIST, Kind.LEARNING, null));
                    }
                } catch (WsemailException | RuntimeException e) {
                    sink.accept(Sample.untimed(Operation.LIST, i >= 0 ? Kind.LEARNING : Kind.SETUP,
                            "list (to learn ids): " + e.getMessage()));
                }
            }
            Long target = known.isEmpty() ? null : known.get(random.nextInt(known.size()));
            if ((operation == Operation.RETRIEVE || operation == Operation.DELETE) && target == null) {
                // As in the paper, reading or deleting in an empty inbox is no request and is not counted.
                if (i >= 0) {
                    sink.accept(Sample.untimed(operation, Kind.NO_OP, null));
                }
                continue;
            }
            String body = operation == Operation.SEND ? body(random, settings.bodyBytes()) : null;
            long startMicros = Sample.epochMicros();
            long begin = System.nanoTime();
            String error = null;
            try {
                switch (operation) {
                    case SEND -> {
                        List<Address> to = new ArrayList<>();
                        to.add(settings.users().get(random.nextInt(users)));
                        to.addAll(settings.external());
                        client.send(to, "bench " + index + "." + i, body);
                    }
                    case SENDIM -> instant.send(List.of(settings.imUsers().get(random.nextInt(settings.imUsers().size()))),
                            ImListeners.text(startMicros, index + "." + i), true);
                    case LIST -> known = own(client.inbox(Instant.EPOCH), sharers, share);
                    case RETRIEVE -> client.read(target);
                    case DELETE -> {
                        client.delete(List.of(target));
                        known.remove(target);
                    }
                }
            } catch (WsemailException | RuntimeException e) {
                error = operation.name().toLowerCase(Locale.ROOT) + ": " + e.getMessage();
            }
            long nanos = Math.max(1, System.nanoTime() - begin);
            if (i >= 0 || error != null) {
                sink.accept(i >= 0 ? new Sample(operation, Kind.MEASURED, nanos, client.lastRequestBytes(),
                        client.lastResponseBytes(), error, startMicros) : Sample.untimed(operation, Kind.SETUP, error));
            }
        }
    }

    /** This client's share of the inbox: the ids that are {@code share} modulo {@code sharers}. */
    private static List<Long> own(List<Header> headers, int sharers, int share) {
        List<Long> ids = new ArrayList<>();
        for (Header header : headers) {
            if (header.getId() % sharers == share) {
                ids.add(header.getId());
            }
        }
        return ids;
    }

    /** About {@code bytes} of words, different for every message. */
    static String body(SplittableRandom random, int bytes) {
        StringBuilder text = new StringBuilder(bytes + 16);
        while (text.length() < bytes) {
            text.append(WORDS[random.nextInt(WORDS.length)]).append(text.length() % 80 > 70 ? '\n' : ' ');
        }
        text.setLength(bytes);
        return text.toString();
    }

    /** What the load generator did. */
    static final class LoadCounts {
        final AtomicInteger sent = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        volatile String lastError;
    }

    /** The external server's part: one message a second to each bench user, until the clients are done. */
    private static void generateLoad(BenchSettings settings, AtomicBoolean running, LoadCounts counts) {
        WsemailClient client;
        try {
            client = new WsemailClient(settings.load().server(), settings.load().user(), settings.password(), settings.trusted());
        } catch (RuntimeException e) {
            counts.failed.incrementAndGet();
            counts.lastError = e.getMessage();
            return;
        }
        SplittableRandom random = new SplittableRandom(7);
        long next = System.nanoTime();
        int n = 0;
        while (running.get()) {
            for (Address user : settings.users()) {
                try {
                    client.send(List.of(user), "background " + n++, body(random, settings.bodyBytes()));
                    counts.sent.incrementAndGet();
                } catch (WsemailException | RuntimeException e) {
                    counts.failed.incrementAndGet();
                    counts.lastError = e.getMessage();
                }
            }
            next += TimeUnit.SECONDS.toNanos(1);
            long wait = next - System.nanoTime();
            while (wait > 0 && running.get()) {
                try {
                    Thread.sleep(Math.min(100, TimeUnit.NANOSECONDS.toMillis(wait) + 1));
                } catch (InterruptedException e) {
                    return;
                }
                wait = next - System.nanoTime();
            }
        }
    }

    private static void progress(PrintStream out, int done, int total) {
        int width = 40;
        int filled = total == 0 ? width : Math.min(width, done * width / total);
        out.print("\r[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + done + "/" + total);
        out.flush();
    }
}
