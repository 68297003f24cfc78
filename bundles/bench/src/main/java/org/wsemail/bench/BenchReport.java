package org.wsemail.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import org.wsemail.bench.BenchSettings.Operation;
import org.wsemail.bench.Sample.Kind;

/** Prints a run's figures beside the paper's, and writes them as JSON. */
final class BenchReport {
    /** What the paper measured for its .NET prototype (section 5.3), printed beside this run's figures. */
    private static final String PAPER = "the paper (.NET prototype, 2004): mean 284 ms, \"variance\" 138.9 ms, min 46.9 ms,"
            + " max 4000 ms, 4.4 requests/s measured (8,000 requests in 1,830 s; about 30 by its estimate of 1,787 messages a minute)";

    private BenchReport() {
    }

    /** Prints the report; returns the number of failed requests, the load generator's included. */
    static int report(BenchSettings settings, List<Sample> samples, long missing, LoadRun.LoadCounts load, double seconds,
            PrintStream out, String jsonFile) throws IOException {
        List<Sample> timed = samples.stream().filter(Sample::timed).toList();
        long failures = samples.stream().filter(s -> !s.ok()).count() + missing;
        Map<String, Map<String, Double>> rows = new LinkedHashMap<>();
        rows.put("all", Statistics.stats(timed));
        for (Operation operation : Operation.values()) {
            List<Sample> of = timed.stream().filter(s -> s.operation() == operation).toList();
            if (!of.isEmpty()) {
                rows.put(operation.name().toLowerCase(Locale.ROOT), Statistics.stats(of));
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
            Files.writeString(Path.of(jsonFile), json + "\n");
            out.println("figures written to " + jsonFile);
        }
        return (int) Math.min(Integer.MAX_VALUE, failures + load.failed.get());
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
