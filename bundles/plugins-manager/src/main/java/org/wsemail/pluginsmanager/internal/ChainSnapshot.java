package org.wsemail.pluginsmanager.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.wsemail.api.plugin.Stage;

/**
 * The plug-in chains as one immutable value: what the message path reads, without locks, for the
 * whole of one call. A new snapshot replaces the old one on every change.
 */
final class ChainSnapshot {
    static final ChainSnapshot EMPTY = build(List.of(), Overrides.NONE);

    private final List<PluginEntry> ordered;
    private final Map<Stage, List<PluginEntry>> chains;
    private final Map<String, PluginEntry> extensions;
    private final Overrides overrides;

    private ChainSnapshot(List<PluginEntry> ordered, Map<Stage, List<PluginEntry>> chains,
            Map<String, PluginEntry> extensions, Overrides overrides) {
        this.ordered = ordered;
        this.chains = chains;
        this.extensions = extensions;
        this.overrides = overrides;
    }

    static ChainSnapshot build(Collection<PluginEntry> entries, Overrides overrides) {
        Comparator<PluginEntry> order = Comparator
                .comparingInt((PluginEntry e) -> effectivePriority(e, overrides)).reversed()
                .thenComparingLong(e -> e.source().serviceId());
        List<PluginEntry> ordered = entries.stream().sorted(order).toList();

        Map<Stage, List<PluginEntry>> chains = new EnumMap<>(Stage.class);
        Map<String, PluginEntry> extensions = new HashMap<>();
        for (Stage stage : Stage.values()) {
            List<PluginEntry> chain = new ArrayList<>();
            if (overrides.isStageEnabled(stage)) {
                for (PluginEntry entry : ordered) {
                    if (entry.processors().containsKey(stage) && overrides.isPluginEnabled(entry.name())) {
                        chain.add(entry);
                        if (stage == Stage.EXTENSION && entry.source().extensionId() != null) {
                            extensions.putIfAbsent(entry.source().extensionId(), entry);
                        }
                    }
                }
            }
            chains.put(stage, List.copyOf(chain));
        }
        return new ChainSnapshot(ordered, chains, Map.copyOf(extensions), overrides);
    }

    static int effectivePriority(PluginEntry entry, Overrides overrides) {
        Integer override = overrides.priority(entry.name());
        return override != null ? override : entry.source().ranking();
    }

    /** The enabled processors of the stage in running order; empty when the stage is disabled. */
    List<PluginEntry> chain(Stage stage) {
        return chains.get(stage);
    }

    /** The entry serving an extension identifier, if an enabled one does. */
    PluginEntry extension(String extensionId) {
        return extensions.get(extensionId);
    }

    /** Every plug-in, enabled or not, in priority order. */
    List<PluginEntry> ordered() {
        return ordered;
    }

    Overrides overrides() {
        return overrides;
    }
}
