package org.wsemail.bench;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.Test;

/** The load tool's parts that need no server: the mix, the figures, the worker protocol, the bodies. */
public class BenchTest {

    @Test
    public void instantMessagesOfWarmUpRequestsAreToldApartFromMeasuredOnes() {
        String warmup = ImListeners.text(1_700_000_000_000_000L, "3.-12");
        String measured = ImListeners.text(1_700_000_000_000_000L, "3.0");
        assertTrue(ImListeners.isWarmup(warmup.substring(warmup.lastIndexOf(' ') + 1)));
        assertFalse(ImListeners.isWarmup(measured.substring(measured.lastIndexOf(' ') + 1)));
        assertFalse(ImListeners.isWarmup("12.7"));
    }

    @Test
    public void theMixIsReadAsWeightsAndBadMixesAreRefusedWithTheRightForm() {
        Map<BenchSettings.Operation, Integer> mix = BenchSettings.mix("send=50, list=25,retrieve=25,delete=0");
        assertEquals(Integer.valueOf(50), mix.get(BenchSettings.Operation.SEND));
        assertEquals(Integer.valueOf(0), mix.get(BenchSettings.Operation.DELETE));
        for (String bad : List.of("send", "send=-1", "send=0,list=0")) {
            try {
                BenchSettings.mix(bad);
                fail("accepted the mix " + bad);
            } catch (IllegalArgumentException expected) {
                assertTrue(expected.getMessage(), !expected.getMessage().isEmpty());
            }
        }
    }

    @Test
    public void percentilesAreNearestRankAndTheFiguresAreInMilliseconds() {
        double[] sorted = new double[100];
        for (int i = 0; i < 100; i++) {
            sorted[i] = i + 1;
        }
        assertEquals(50.0, Statistics.percentile(sorted, 50), 0);
        assertEquals(99.0, Statistics.percentile(sorted, 99), 0);
        assertEquals(7.0, Statistics.percentile(new double[] { 7 }, 99), 0);

        Map<String, Double> stats = Statistics.stats(List.of(new Sample(BenchSettings.Operation.LIST, 2_000_000, 100, 300),
                new Sample(BenchSettings.Operation.LIST, 4_000_000, 100, 500)));
        assertEquals(3.0, stats.get("mean"), 1e-9);
        assertEquals(1.0, stats.get("variance"), 1e-9);
        assertEquals(2.0, stats.get("min"), 1e-9);
        assertEquals(4.0, stats.get("max"), 1e-9);
        assertEquals(400.0, stats.get("responseBytes"), 1e-9);
    }

    @Test
    public void aWorkerProcessReportsEachRequestInALineTheCoordinatorReadsBack() {
        Sample failed = new Sample(BenchSettings.Operation.SEND, Sample.Kind.MEASURED, 12_345_678, 2289, 0,
                "send: cannot reach https://x/wsemail:\n connection refused", 1_796_000_000_000_000L);
        Sample read = Sample.parse(failed.line());
        assertEquals(BenchSettings.Operation.SEND, read.operation());
        assertEquals(12_345_678, read.nanos());
        assertEquals(false, read.ok());
        assertEquals(2289, read.requestBytes());
        assertEquals(1_796_000_000_000_000L, read.startMicros());
        assertEquals("send: cannot reach https://x/wsemail: connection refused", read.error());

        Sample learning = Sample.parse(Sample.untimed(BenchSettings.Operation.LIST, Sample.Kind.LEARNING, null).line());
        assertNull(learning.error());
        assertEquals(Sample.Kind.LEARNING, learning.kind());
        assertTrue("a learning list is not one of the measured requests", !learning.counted() && !learning.timed());
    }

    @Test
    public void bodiesHaveTheAskedSizeAndDifferFromMessageToMessage() {
        SplittableRandom random = new SplittableRandom(1);
        String first = LoadRun.body(random, 1024);
        String second = LoadRun.body(random, 1024);
        assertEquals(1024, first.length());
        assertTrue("words, not one letter", first.contains(" ") && first.chars().distinct().count() > 10);
        assertTrue(!first.equals(second));
    }
}
