package org.wsemail.client;

import static org.junit.Assert.assertEquals;
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
    public void theMixIsReadAsWeightsAndBadMixesAreRefusedWithTheRightForm() {
        Map<Bench.Operation, Integer> mix = Bench.mix("send=50, list=25,retrieve=25,delete=0");
        assertEquals(Integer.valueOf(50), mix.get(Bench.Operation.SEND));
        assertEquals(Integer.valueOf(0), mix.get(Bench.Operation.DELETE));
        for (String bad : List.of("send", "send=-1", "send=0,list=0")) {
            try {
                Bench.mix(bad);
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
        assertEquals(50.0, Bench.percentile(sorted, 50), 0);
        assertEquals(99.0, Bench.percentile(sorted, 99), 0);
        assertEquals(7.0, Bench.percentile(new double[] { 7 }, 99), 0);

        Map<String, Double> stats = Bench.stats(List.of(new Bench.Sample(Bench.Operation.LIST, 2_000_000, 100, 300),
                new Bench.Sample(Bench.Operation.LIST, 4_000_000, 100, 500)));
        assertEquals(3.0, stats.get("mean"), 1e-9);
        assertEquals(1.0, stats.get("variance"), 1e-9);
        assertEquals(2.0, stats.get("min"), 1e-9);
        assertEquals(4.0, stats.get("max"), 1e-9);
        assertEquals(400.0, stats.get("responseBytes"), 1e-9);
    }

    @Test
    public void aWorkerProcessReportsEachRequestInALineTheCoordinatorReadsBack() {
        Bench.Sample failed = new Bench.Sample(Bench.Operation.SEND, Bench.Kind.MEASURED, 12_345_678, 2289, 0,
                "send: cannot reach https://x/wsemail:\n connection refused", 1_796_000_000_000_000L);
        Bench.Sample read = Bench.Sample.parse(failed.line());
        assertEquals(Bench.Operation.SEND, read.operation());
        assertEquals(12_345_678, read.nanos());
        assertEquals(false, read.ok());
        assertEquals(2289, read.requestBytes());
        assertEquals(1_796_000_000_000_000L, read.startMicros());
        assertEquals("send: cannot reach https://x/wsemail: connection refused", read.error());

        Bench.Sample learning = Bench.Sample.parse(Bench.Sample.untimed(Bench.Operation.LIST, Bench.Kind.LEARNING, null).line());
        assertNull(learning.error());
        assertEquals(Bench.Kind.LEARNING, learning.kind());
        assertTrue("a learning list is not one of the measured requests", !learning.counted() && !learning.timed());
    }

    @Test
    public void bodiesHaveTheAskedSizeAndDifferFromMessageToMessage() {
        SplittableRandom random = new SplittableRandom(1);
        String first = Bench.body(random, 1024);
        String second = Bench.body(random, 1024);
        assertEquals(1024, first.length());
        assertTrue("words, not one letter", first.contains(" ") && first.chars().distinct().count() > 10);
        assertTrue(!first.equals(second));
    }
}
