package org.wsemail.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The figures of a set of samples: what the paper reports (mean, variance, min, max) and percentiles. */
final class Statistics {

    private Statistics() {
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
