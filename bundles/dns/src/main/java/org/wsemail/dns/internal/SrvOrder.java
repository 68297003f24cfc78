package org.wsemail.dns.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

import org.xbill.DNS.SRVRecord;

/**
 * The order in which to try the targets of a set of SRV records, as RFC 2782 prescribes: lowest
 * priority first; within one priority, repeatedly pick a record at random with probability in
 * proportion to its weight (records of weight 0 first in the list, so they are picked only rarely),
 * until none is left.
 */
final class SrvOrder {

    private SrvOrder() {
    }

    static List<SRVRecord> order(List<SRVRecord> records, RandomGenerator random) {
        Map<Integer, List<SRVRecord>> byPriority = new TreeMap<>();
        for (SRVRecord record : records) {
            byPriority.computeIfAbsent(record.getPriority(), p -> new ArrayList<>()).add(record);
        }
        List<SRVRecord> ordered = new ArrayList<>(records.size());
        for (List<SRVRecord> group : byPriority.values()) {
            List<SRVRecord> left = new ArrayList<>(group);
            left.sort(Comparator.comparingInt(SRVRecord::getWeight).thenComparing(r -> r.getTarget().toString()));
            while (!left.isEmpty()) {
                int total = left.stream().mapToInt(SRVRecord::getWeight).sum();
                int pick = random.nextInt(total + 1);
                int runningSum = 0;
                for (int i = 0; i < left.size(); i++) {
                    runningSum += left.get(i).getWeight();
                    if (runningSum >= pick) {
                        ordered.add(left.remove(i));
                        break;
                    }
                }
            }
        }
        return ordered;
    }
}
