package org.wsemail.pluginsmanager.internal;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.wsemail.api.plugin.Stage;

/**
 * One plug-in service with the processors it registered per stage and its call counters. Immutable
 * but for the counters, which are shared by every version of the entry for the same service.
 */
final class PluginEntry {
    private final PluginSource source;
    private final Map<Stage, Object> processors;
    private final Stats stats;

    PluginEntry(PluginSource source, Map<Stage, Object> processors, Stats stats) {
        this.source = source;
        this.processors = Collections.unmodifiableMap(processors.isEmpty()
                ? new EnumMap<>(Stage.class) : new EnumMap<>(processors));
        this.stats = stats;
    }

    static PluginEntry of(PluginSource source, Stage stage, Object processor) {
        return new PluginEntry(source, Map.of(stage, processor), new Stats());
    }

    PluginEntry withProcessor(Stage stage, Object processor) {
        Map<Stage, Object> next = new EnumMap<>(Stage.class);
        next.putAll(processors);
        next.put(stage, processor);
        return new PluginEntry(source, next, stats);
    }

    PluginEntry withoutProcessor(Stage stage) {
        Map<Stage, Object> next = new EnumMap<>(Stage.class);
        next.putAll(processors);
        next.remove(stage);
        return new PluginEntry(source, next, stats);
    }

    PluginEntry withSource(PluginSource newSource) {
        return new PluginEntry(newSource, processors, stats);
    }

    PluginSource source() {
        return source;
    }

    String name() {
        return source.name();
    }

    Map<Stage, Object> processors() {
        return processors;
    }

    <T> T processor(Stage stage, Class<T> type) {
        return type.cast(processors.get(stage));
    }

    Stats stats() {
        return stats;
    }

    /** Call counters of one plug-in service; updated concurrently. */
    static final class Stats {
        final AtomicLong calls = new AtomicLong();
        final AtomicLong failures = new AtomicLong();
        final AtomicLong timeouts = new AtomicLong();
        private volatile LastError lastError;

        void failed(String description, boolean timedOut) {
            failures.incrementAndGet();
            if (timedOut) {
                timeouts.incrementAndGet();
            }
            lastError = new LastError(description, Instant.now());
        }

        LastError lastError() {
            return lastError;
        }
    }

    record LastError(String description, Instant time) {
    }
}
