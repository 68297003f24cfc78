package org.wsemail.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.statistics.HistogramDataset;

/** The benchmark's latency histogram as a PNG image, one series per operation (JFreeChart). */
final class LatencyHistogram {
    private static final int BINS = 50;

    private LatencyHistogram() {
    }

    /**
     * @param title what was measured, e.g. "4 threads x 250 requests against https://..."
     * @param millisByOperation each operation's latencies in milliseconds
     */
    static void write(Path png, String title, Map<String, double[]> millisByOperation) throws IOException {
        System.setProperty("java.awt.headless", "true");
        HistogramDataset dataset = new HistogramDataset();
        double max = millisByOperation.values().stream().flatMapToDouble(java.util.Arrays::stream).max().orElse(1);
        millisByOperation.forEach((operation, millis) -> {
            if (millis.length > 0) {
                dataset.addSeries(operation, millis, BINS, 0, Math.max(1, max));
            }
        });
        JFreeChart chart = ChartFactory.createHistogram(title, "latency (ms)", "requests", dataset,
                PlotOrientation.VERTICAL, true, false, false);
        chart.getXYPlot().setForegroundAlpha(0.6f);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 1000, 560);
    }
}
