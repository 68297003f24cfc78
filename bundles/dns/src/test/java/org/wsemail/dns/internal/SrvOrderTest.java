package org.wsemail.dns.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** RFC 2782 selection on records that went through the DNS wire format, as a resolver receives them. */
public class SrvOrderTest {
    private static final Name SERVICE = Name.fromConstantString("_wsemail._tcp.b.test.");

    /** Builds an answer message holding the records, encodes it to wire format and decodes it again. */
    private static List<SRVRecord> fromWire(SRVRecord... records) throws Exception {
        Message answer = Message.newQuery(Record.newRecord(SERVICE, Type.SRV, DClass.IN));
        for (SRVRecord record : records) {
            answer.addRecord(record, Section.ANSWER);
        }
        Message decoded = new Message(answer.toWire());
        List<SRVRecord> srv = new ArrayList<>();
        for (Record record : decoded.getSection(Section.ANSWER)) {
            srv.add((SRVRecord) record);
        }
        return srv;
    }

    private static SRVRecord srv(int priority, int weight, String target) {
        return new SRVRecord(SERVICE, DClass.IN, 300, priority, weight, 8443, Name.fromConstantString(target));
    }

    private static List<String> targets(List<SRVRecord> records) {
        return records.stream().map(r -> r.getTarget().toString(true)).toList();
    }

    @Test
    public void lowerPriorityAlwaysComesFirst() throws Exception {
        List<SRVRecord> records = fromWire(srv(20, 100, "backup.b.test."), srv(10, 1, "main.b.test."),
                srv(30, 0, "last.b.test."));
        Random random = new Random(1);
        for (int i = 0; i < 100; i++) {
            assertEquals(List.of("main.b.test", "backup.b.test", "last.b.test"), targets(SrvOrder.order(records, random)));
        }
    }

    @Test
    public void withinAPriorityTargetsAreChosenFirstInProportionToWeight() throws Exception {
        List<SRVRecord> records = fromWire(srv(10, 60, "big.b.test."), srv(10, 30, "mid.b.test."),
                srv(10, 10, "small.b.test."), srv(20, 5, "other.b.test."));
        Random random = new Random(42);
        Map<String, Integer> firsts = new HashMap<>();
        int draws = 20_000;
        for (int i = 0; i < draws; i++) {
            List<SRVRecord> ordered = SrvOrder.order(records, random);
            assertEquals("every record, each once", 4, ordered.size());
            assertEquals("other.b.test", ordered.get(3).getTarget().toString(true));
            firsts.merge(ordered.get(0).getTarget().toString(true), 1, Integer::sum);
        }
        assertShare(firsts, "big.b.test", 0.60, draws);
        assertShare(firsts, "mid.b.test", 0.30, draws);
        assertShare(firsts, "small.b.test", 0.10, draws);
    }

    @Test
    public void weightZeroIsChosenFirstOnlyRarely() throws Exception {
        List<SRVRecord> records = fromWire(srv(10, 0, "zero.b.test."), srv(10, 99, "busy.b.test."));
        Random random = new Random(7);
        int zeroFirst = 0;
        int draws = 20_000;
        for (int i = 0; i < draws; i++) {
            if (SrvOrder.order(records, random).get(0).getTarget().toString(true).equals("zero.b.test")) {
                zeroFirst++;
            }
        }
        assertShare(Map.of("zero", zeroFirst), "zero", 0.01, draws);
    }

    @Test
    public void allWeightsZeroStillYieldsEveryRecord() throws Exception {
        List<SRVRecord> records = fromWire(srv(10, 0, "a.b.test."), srv(10, 0, "b.b.test."), srv(10, 0, "c.b.test."));
        List<String> ordered = targets(SrvOrder.order(records, new Random(3)));
        assertEquals(3, ordered.size());
        assertTrue(ordered.containsAll(List.of("a.b.test", "b.b.test", "c.b.test")));
    }

    private static void assertShare(Map<String, Integer> counts, String key, double expected, int draws) {
        double share = counts.getOrDefault(key, 0) / (double) draws;
        assertTrue(key + " came first in " + share + " of draws, expected about " + expected,
                Math.abs(share - expected) < 0.02);
    }
}
