package org.wsemail.client;

import java.io.PrintStream;
import java.net.URI;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.wsemail.api.Address;
import org.wsemail.wire.soap.Header;

/**
 * The paper's test bed as a tool: N client threads, each sending R requests drawn from a weighted
 * mix of send, list, retrieve and delete against one server, timing each; then the latency figures
 * the paper reports (mean, variance, min, max) with percentiles and throughput. Each thread keeps
 * its own part of the inbox primed by sending to itself, and reads and deletes only that part
 * (its messages carry its tag), so threads never race for the same message.
 */
final class Bench {
    /** The operations of the paper's mix. */
    enum Operation {
        SEND, LIST, RETRIEVE, DELETE
    }

    /** What the paper measured for its .NET prototype (section 5.3): for the side-by-side table. */
    private static final Map<String, String> PAPER = Map.of("mean", "284", "min", "46.9", "max", "4000",
            "throughput", "4.4 measured (8,000 requests in 1,830 s; about 30 by its estimate of 1,787 messages a minute)");

    record Settings(URI server, Address user, char[] password, Set<TrustAnchor> trusted, List<Address> recipients,
            int threads, int requests, Map<Operation, Integer> mix, int bodyBytes, int primed) {
    }

    /** One timed request, with the bytes of its SOAP request and response. */
    record Sample(Operation operation, long nanos, boolean ok, long requestBytes, long responseBytes) {
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

    /** Runs the load and prints the report; returns the number of failed requests. */
    static int run(Settings settings, PrintStream out, boolean showProgress, String jsonFile, String histogramFile)
            throws java.io.IOException, InterruptedException {
        ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
        AtomicInteger done = new AtomicInteger();
        CountDownLatch finished = new CountDownLatch(settings.threads());
        String body = "x".repeat(settings.bodyBytes());
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < settings.threads(); t++) {
            long seed = 1000L + t;
            String tag = "bench-t" + t + " ";
            Thread thread = new Thread(() -> {
                try {
                    worker(settings, body, tag, new SplittableRandom(seed), samples, done);
                } finally {
                    finished.countDown();
                }
            }, "bench-" + t);
            threads.add(thread);
        }
        long start = System.nanoTime();
        threads.forEach(Thread::start);
        int total = settings.threads() * settings.requests();
        while (!finished.await(500, java.util.concurrent.TimeUnit.MILLISECONDS)) {
            if (showProgress) {
                progress(out, done.get(), total);
            }
        }
        if (showProgress) {
            progress(out, done.get(), total);
            out.println();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        List<Sample> all = new ArrayList<>(samples);
        if (histogramFile != null) {
            Map<String, double[]> millis = new LinkedHashMap<>();
            for (Operation operation : Operation.values()) {
                millis.put(operation.name().toLowerCase(Locale.ROOT), all.stream()
                        .filter(s -> s.operation() == operation && s.nanos() > 0).mapToDouble(s -> s.nanos() / 1e6).toArray());
            }
            LatencyHistogram.write(java.nio.file.Path.of(histogramFile), settings.threads() + " threads x " + settings.requests()
                    + " requests, " + settings.bodyBytes() + "-byte bodies, against " + settings.server(), millis);
            out.println("latency histogram written to " + histogramFile);
        }
        return report(settings, all, seconds, out, jsonFile);
    }

    private static void worker(Settings settings, String body, String tag, SplittableRandom random,
            ConcurrentLinkedQueue<Sample> samples, AtomicInteger done) {
        WsemailClient client = new WsemailClient(settings.server(), settings.user(), settings.password(), settings.trusted());
        List<Address> toSelf = List.of(settings.user());
        for (int i = 0; i < settings.primed(); i++) {
            try {
                client.send(toSelf, tag + "primer " + i, body);
            } catch (WsemailException e) {
                samples.add(new Sample(Operation.SEND, 0, false, 0, 0));
            }
        }
        int totalWeight = settings.mix().values().stream().mapToInt(Integer::intValue).sum();
        for (int i = 0; i < settings.requests(); i++) {
            Operation operation = pick(settings.mix(), random.nextInt(totalWeight));
            long begin = System.nanoTime();
            boolean ok = true;
            boolean counted = true;
            try {
                switch (operation) {
                    case SEND -> {
                        List<Address> to = new ArrayList<>(settings.recipients());
                        to.add(settings.user());
                        client.send(to, tag + i, body);
                    }
                    case LIST -> client.inbox(Instant.EPOCH);
                    case RETRIEVE -> {
                        List<Header> headers = own(client.inbox(Instant.EPOCH), tag);
                        begin = System.nanoTime();
                        counted = !headers.isEmpty();
                        if (counted) {
                            client.read(headers.get(random.nextInt(headers.size())).getId());
                        }
                    }
                    case DELETE -> {
                        List<Header> headers = own(client.inbox(Instant.EPOCH), tag);
                        begin = System.nanoTime();
                        counted = !headers.isEmpty();
                        if (counted) {
                            client.delete(List.of(headers.get(random.nextInt(headers.size())).getId()));
                        }
                    }
                }
            } catch (WsemailException | RuntimeException e) {
                ok = false;
            }
            // As in the paper, reading or deleting in an empty inbox is no request and is not counted.
            if (counted) {
                samples.add(new Sample(operation, System.nanoTime() - begin, ok, client.lastRequestBytes(), client.lastResponseBytes()));
            }
            done.incrementAndGet();
        }
    }

    private static List<Header> own(List<Header> headers, String tag) {
        return headers.stream().filter(h -> h.getSubject().startsWith(tag)).toList();
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
        int filled = total == 0 ? width : done * width / total;
        out.print("\r[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + done + "/" + total);
        out.flush();
    }

    private static int report(Settings settings, List<Sample> samples, double seconds, PrintStream out, String jsonFile)
            throws java.io.IOException {
        List<Sample> timed = samples.stream().filter(s -> s.nanos() > 0).toList();
        long failures = samples.stream().filter(s -> !s.ok()).count();
        Map<String, Map<String, Double>> rows = new LinkedHashMap<>();
        rows.put("all", stats(timed));
        for (Operation operation : Operation.values()) {
            List<Sample> of = timed.stream().filter(s -> s.operation() == operation).toList();
            if (!of.isEmpty()) {
                rows.put(operation.name().toLowerCase(Locale.ROOT), stats(of));
            }
        }
        double throughput = timed.size() / seconds;
        long sends = timed.stream().filter(s -> s.operation() == Operation.SEND && s.ok()).count();
        out.printf("%n%d threads x %d requests, %d-byte bodies, mix %s, against %s%n", settings.threads(), settings.requests(),
                settings.bodyBytes(), settings.mix(), settings.server());
        out.printf("%-9s %8s %9s %10s %8s %8s %8s %8s %8s %9s %9s%n", "operation", "count", "mean ms", "stddev ms", "min ms",
                "p50 ms", "p95 ms", "p99 ms", "max ms", "req B", "resp B");
        rows.forEach((name, s) -> out.printf("%-9s %8.0f %9.2f %10.2f %8.2f %8.2f %8.2f %8.2f %8.2f %9.0f %9.0f%n", name,
                s.get("count"), s.get("mean"), s.get("stddev"), s.get("min"), s.get("p50"), s.get("p95"), s.get("p99"), s.get("max"),
                s.get("requestBytes"), s.get("responseBytes")));
        out.println("bytes per request, client to server / server to client, the paper's Table 1 (its MB over its counts):"
                + " send 4220 / 2062, list 2895 / 63059, retrieve 2941 / 9980, delete 2955 / 1934");
        out.printf("throughput %.1f requests/s, %.0f messages sent/min; %d errors; %.1f s%n", throughput,
                sends / seconds * 60, failures, seconds);
        out.printf("the paper (.NET prototype, 2004): mean %s ms, min %s ms, max %s ms, %s requests/s%n", PAPER.get("mean"),
                PAPER.get("min"), PAPER.get("max"), PAPER.get("throughput"));
        if (jsonFile != null) {
            String json = "{\"threads\":" + settings.threads() + ",\"requestsPerThread\":" + settings.requests()
                    + ",\"bodyBytes\":" + settings.bodyBytes() + ",\"seconds\":" + round(seconds)
                    + ",\"throughputPerSecond\":" + round(throughput) + ",\"errors\":" + failures + ",\"operations\":{"
                    + rows.entrySet().stream().map(e -> "\"" + e.getKey() + "\":{" + e.getValue().entrySet().stream()
                            .map(v -> "\"" + v.getKey() + "\":" + round(v.getValue())).collect(Collectors.joining(","))
                            + "}").collect(Collectors.joining(",")) + "}}";
            java.nio.file.Files.writeString(java.nio.file.Path.of(jsonFile), json + "\n");
            out.println("figures written to " + jsonFile);
        }
        return (int) Math.min(Integer.MAX_VALUE, failures);
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
