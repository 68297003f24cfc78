package org.wsemail.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.TrustAnchor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import org.wsemail.api.Address;
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
final class Bench {
    /** The operations of the paper's mix. */
    enum Operation {
        SEND, LIST, RETRIEVE, DELETE
    }

    /** What the paper measured for its .NET prototype (section 5.3), printed beside this run's figures. */
    private static final String PAPER = "the paper (.NET prototype, 2004): mean 284 ms, \"variance\" 138.9 ms, min 46.9 ms,"
            + " max 4000 ms, 4.4 requests/s measured (8,000 requests in 1,830 s; about 30 by its estimate of 1,787 messages a minute)";

    /** Words for message bodies: text compresses like mail does, unlike one repeated letter. */
    private static final String[] WORDS = ("the of and to in is that for it as was with be by on not he this are or his from at "
            + "which but have an they you were her she there been one all we their has would when if so no will can more "
            + "about said up out what some into them than only other new time could these two may then first any like my "
            + "now over such our man me even most made after also did many before must through back years where much your "
            + "way well down should because each just those people how too little state good very make world still own see "
            + "men work long get here between both life being under never day same another know while last might us great "
            + "old year off come since against go came right used take three meeting invoice report budget quarter review")
            .split(" ");

    /**
     * @param users the bench users; client t acts as user t mod the count
     * @param certificate a PKCS#12 file to log in with (one user), or null for UsernameToken logins
     * @param external recipients at another server that every send also goes to
     * @param load a load generator at the external server, or null for none
     * @param processes how many JVM processes the clients run in (1: all in this one)
     * @param warmup requests each client makes from the mix before the measured ones, not counted:
     *        the load tool's own JIT compilation is not the server's latency
     */
    record Settings(URI server, List<Address> users, char[] password, Path certificate, Set<TrustAnchor> trusted,
            List<Address> external, int threads, int requests, Map<Operation, Integer> mix, int bodyBytes, int primed,
            LoadGenerator load, int processes, int warmup) {
    }

    /** A user at the external server who sends one message a second to each bench user. */
    record LoadGenerator(URI server, Address user) {
    }

    /** What a sample stands for. */
    enum Kind {
        /** One of the R requests of a client (timed unless it failed before it was sent). */
        MEASURED,
        /** One of the R requests: a read or delete in an empty inbox, not sent and not counted, as in the paper. */
        NO_OP,
        /** A list request made to learn new ids when all a client knew were deleted; not one of the R. */
        LEARNING,
        /** A failure while logging in, priming or warming up; not one of the R, but an error. */
        SETUP
    }

    /**
     * One request, with the bytes of its SOAP request and response; {@code error} says why it failed
     * (null if it did not); {@code startMicros} since the epoch.
     */
    record Sample(Operation operation, Kind kind, long nanos, long requestBytes, long responseBytes, String error,
            long startMicros) {
        /** A measured request that succeeded. */
        Sample(Operation operation, long nanos, long requestBytes, long responseBytes) {
            this(operation, Kind.MEASURED, nanos, requestBytes, responseBytes, null, 0);
        }

        /** Not timed: a no-op, a learning list, or a failure outside the measured requests. */
        static Sample untimed(Operation operation, Kind kind, String error) {
            return new Sample(operation, kind, 0, 0, 0, error, 0);
        }

        boolean ok() {
            return error == null;
        }

        /** One of the R requests each client makes (what the progress bar counts). */
        boolean counted() {
            return kind == Kind.MEASURED || kind == Kind.NO_OP;
        }

        boolean timed() {
            return kind == Kind.MEASURED && nanos > 0;
        }

        /** When it ended, in microseconds since the epoch (comparable between processes). */
        long endMicros() {
            return startMicros + nanos / 1000;
        }

        /** The line a worker process prints for the coordinator. */
        String line() {
            return "sample " + operation + " " + kind + " " + nanos + " " + requestBytes + " " + responseBytes + " " + startMicros
                    + (error == null ? "" : " " + error.replaceAll("\\s+", " "));
        }

        static Sample parse(String line) {
            String[] f = line.split(" ", 8);
            return new Sample(Operation.valueOf(f[1]), Kind.valueOf(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]),
                    Long.parseLong(f[5]), f.length > 7 ? f[7] : null, Long.parseLong(f[6]));
        }
    }

    private static long epochMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
    }

    /** Parses {@code send=25,list=25,retrieve=25,delete=25}. */
    static Map<Operation, Integer> mix(String text) {
        Map<Operation, Integer> mix = new EnumMap<>(Operation.class);
        for (String part : text.split(",")) {
            String[] pair = part.trim().split("=");
            if (pair.length != 2) {
                throw new IllegalArgumentException("--mix takes operation=weight pairs, e.g. send=25,list=25,retrieve=25,delete=25");
            }
            int weight = Integer.parseInt(pair[1].trim());
            if (weight < 0) {
                throw new IllegalArgumentException("weights are whole numbers of 0 or more");
            }
            mix.put(Operation.valueOf(pair[0].trim().toUpperCase(Locale.ROOT)), weight);
        }
        if (mix.values().stream().mapToInt(Integer::intValue).sum() == 0) {
            throw new IllegalArgumentException("the mix needs some weight");
        }
        return mix;
    }

    /**
     * Runs the load and prints the report; returns the number of failed requests.
     *
     * @param workerCommand the command line that starts one worker process, to which
     *        {@code --first-client i --clients k} is added; used when the settings ask for processes
     * @param workerEnvironment what a worker process needs in its environment besides this one's
     */
    static int run(Settings settings, PrintStream out, boolean showProgress, String jsonFile, String histogramFile,
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
        return report(settings, all, missing, load, seconds, out, jsonFile);
    }

    /** Starts clients {@code first .. first+count-1} in this process, a thread each. */
    static List<Thread> clients(Settings settings, int first, int count, Consumer<Sample> sink) {
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

    private static WsemailClient connect(Settings settings, Address user) throws WsemailException {
        if (settings.certificate() != null) {
            return WsemailClient.withCertificate(settings.server(), settings.certificate(), settings.password(), settings.trusted());
        }
        return new WsemailClient(settings.server(), user, settings.password(), settings.trusted());
    }

    /** One client of the test bed: primes its inbox, then runs its requests. */
    private static void client(Settings settings, int index, Consumer<Sample> sink) {
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
            Operation operation = pick(settings.mix(), random.nextInt(totalWeight));
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
            long startMicros = epochMicros();
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
    private static final class LoadCounts {
        final AtomicInteger sent = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        volatile String lastError;
    }

    /** The external server's part: one message a second to each bench user, until the clients are done. */
    private static void generateLoad(Settings settings, AtomicBoolean running, LoadCounts counts) {
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

    private static Operation pick(Map<Operation, Integer> mix, int draw) {
        int sum = 0;
        for (Map.Entry<Operation, Integer> entry : mix.entrySet()) {
            sum += entry.getValue();
            if (draw < sum) {
                return entry.getKey();
            }
        }
        throw new IllegalStateException("no operation for " + draw);
    }

    private static void progress(PrintStream out, int done, int total) {
        int width = 40;
        int filled = total == 0 ? width : Math.min(width, done * width / total);
        out.print("\r[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + done + "/" + total);
        out.flush();
    }

    private static int report(Settings settings, List<Sample> samples, long missing, LoadCounts load, double seconds,
            PrintStream out, String jsonFile) throws IOException {
        List<Sample> timed = samples.stream().filter(Sample::timed).toList();
        long failures = samples.stream().filter(s -> !s.ok()).count() + missing;
        Map<String, Map<String, Double>> rows = new LinkedHashMap<>();
        rows.put("all", stats(timed));
        for (Operation operation : Operation.values()) {
            List<Sample> of = timed.stream().filter(s -> s.operation() == operation).toList();
            if (!of.isEmpty()) {
                rows.put(operation.name().toLowerCase(Locale.ROOT), stats(of));
            }
        }
        // Throughput over the measured window: from the first measured request to the end of the last.
        double window = timed.isEmpty() ? seconds : (timed.stream().mapToLong(Sample::endMicros).max().getAsLong()
                - timed.stream().mapToLong(Sample::startMicros).min().getAsLong()) / 1e6;
        double throughput = timed.size() / window;
        long sends = timed.stream().filter(s -> s.operation() == Operation.SEND && s.ok()).count();
        out.printf("%n%d clients (%d process%s) x %d requests as %d user%s, %d-byte bodies, mix %s, against %s%n",
                settings.threads(), Math.max(1, settings.processes()), settings.processes() > 1 ? "es" : "", settings.requests(),
                settings.users().size(), settings.users().size() == 1 ? "" : "s", settings.bodyBytes(), settings.mix(),
                settings.server());
        out.printf("login: %s; every send also to %s; %d warm-up requests per client not counted%n",
                settings.certificate() != null ? "X.509 certificate" : "UsernameToken",
                settings.external().isEmpty() ? "nobody else" : settings.external(), settings.warmup());
        out.printf("%-9s %8s %9s %10s %8s %8s %8s %8s %8s %9s %9s%n", "operation", "count", "mean ms", "stddev ms", "min ms",
                "p50 ms", "p95 ms", "p99 ms", "max ms", "req B", "resp B");
        rows.forEach((name, s) -> out.printf("%-9s %8.0f %9.2f %10.2f %8.2f %8.2f %8.2f %8.2f %8.2f %9.0f %9.0f%n", name,
                s.get("count"), s.get("mean"), s.get("stddev"), s.get("min"), s.get("p50"), s.get("p95"), s.get("p99"), s.get("max"),
                s.get("requestBytes"), s.get("responseBytes")));
        out.println("bytes per request, client to server / server to client, the paper's Table 1 (its MB over its counts):"
                + " send 4220 / 2062, list 2895 / 63059, retrieve 2941 / 9980, delete 2955 / 1934");
        out.printf("throughput %.1f requests/s, %.0f messages sent/min; %d errors; measured %.1f s of %.1f s%n", throughput,
                sends / window * 60, failures, window, seconds);
        samples.stream().filter(s -> s.error() != null).collect(Collectors.groupingBy(Sample::error, Collectors.counting()))
                .entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(5)
                .forEach(e -> out.printf("  %d x %s%n", e.getValue(), e.getKey()));
        if (missing > 0) {
            out.printf("  %d requests never reported (a worker process ended early)%n", missing);
        }
        long learning = samples.stream().filter(s -> s.kind() == Kind.LEARNING).count();
        long noOps = samples.stream().filter(s -> s.kind() == Kind.NO_OP).count();
        out.printf("not counted: %d list requests made to learn new message ids after a client's known ones were deleted"
                + " (with them the server answered %.1f requests/s); %d retrieves or deletes in an empty inbox (no-ops, as in"
                + " the paper)%n", learning, (timed.size() + learning) / window, noOps);
        if (settings.load() != null) {
            out.printf("load generator: %d messages from %s to the bench users (1 a second to each), %d failed%s%n",
                    load.sent.get(), settings.load().user(), load.failed.get(),
                    load.lastError == null ? "" : " (last: " + load.lastError + ")");
        }
        Map<String, Double> all = rows.get("all");
        if (all.get("count") > 0) {
            out.printf("WSEmail: mean %.1f ms, variance %.1f ms^2 (standard deviation %.1f ms), min %.1f ms, max %.1f ms%n",
                    all.get("mean"), all.get("variance"), all.get("stddev"), all.get("min"), all.get("max"));
        }
        out.println(PAPER);
        if (jsonFile != null) {
            String json = "{\"clients\":" + settings.threads() + ",\"processes\":" + Math.max(1, settings.processes())
                    + ",\"requestsPerClient\":" + settings.requests() + ",\"bodyBytes\":" + settings.bodyBytes()
                    + ",\"login\":\"" + (settings.certificate() != null ? "x509" : "usernameToken") + "\""
                    + ",\"warmup\":" + settings.warmup() + ",\"seconds\":" + round(seconds) + ",\"measuredSeconds\":"
                    + round(window) + ",\"throughputPerSecond\":" + round(throughput)
                    + ",\"messagesPerMinute\":" + round(sends / window * 60) + ",\"errors\":" + failures
                    + ",\"loadGenerator\":{\"sent\":" + load.sent.get() + ",\"failed\":" + load.failed.get() + "}"
                    + ",\"operations\":{" + rows.entrySet().stream().map(e -> "\"" + e.getKey() + "\":{"
                            + e.getValue().entrySet().stream().map(v -> "\"" + v.getKey() + "\":" + round(v.getValue()))
                                    .collect(Collectors.joining(",")) + "}").collect(Collectors.joining(",")) + "}}";
            java.nio.file.Files.writeString(Path.of(jsonFile), json + "\n");
            out.println("figures written to " + jsonFile);
        }
        return (int) Math.min(Integer.MAX_VALUE, failures + load.failed.get());
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    /**
     * count, mean, stddev, min, percentiles and max of the latencies, in milliseconds, and the mean
     * bytes of a request and of a response.
     */
    static Map<String, Double> stats(List<Sample> samples) {
        double[] ms = samples.stream().mapToDouble(s -> s.nanos() / 1e6).sorted().toArray();
        Map<String, Double> stats = new LinkedHashMap<>();
        stats.put("count", (double) ms.length);
        if (ms.length == 0) {
            return stats;
        }
        double mean = Arrays.stream(ms).average().orElse(0);
        double variance = Arrays.stream(ms).map(v -> (v - mean) * (v - mean)).sum() / ms.length;
        stats.put("mean", mean);
        stats.put("variance", variance);
        stats.put("stddev", Math.sqrt(variance));
        stats.put("min", ms[0]);
        stats.put("p50", percentile(ms, 50));
        stats.put("p95", percentile(ms, 95));
        stats.put("p99", percentile(ms, 99));
        stats.put("max", ms[ms.length - 1]);
        stats.put("requestBytes", samples.stream().mapToLong(Sample::requestBytes).average().orElse(0));
        stats.put("responseBytes", samples.stream().mapToLong(Sample::responseBytes).average().orElse(0));
        return stats;
    }

    /** The nearest-rank percentile of sorted values. */
    static double percentile(double[] sorted, int percent) {
        int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
