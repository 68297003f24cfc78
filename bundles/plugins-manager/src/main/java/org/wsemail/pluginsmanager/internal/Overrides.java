package org.wsemail.pluginsmanager.internal;

import java.util.Collections;
import java.util.Dictionary;
import java.util.EnumSet;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsemail.api.plugin.Stage;

/**
 * What administrators changed: priority overrides and disabled plug-ins by plug-in name, and disabled
 * stages. Immutable; every change gives a new instance.
 *
 * <p>Stored as Configuration Admin properties, read leniently through {@link ConfigValues}.
 */
final class Overrides {
    static final String PRIORITY_PREFIX = "priority.";
    static final String DISABLED_PLUGINS = "disabled.plugins";
    static final String DISABLED_STAGES = "disabled.stages";

    static final Overrides NONE = new Overrides(Map.of(), Set.of(), EnumSet.noneOf(Stage.class));

    private static final Logger LOG = LoggerFactory.getLogger(Overrides.class);

    private final Map<String, Integer> priorities;
    private final Set<String> disabledPlugins;
    private final Set<Stage> disabledStages;

    private Overrides(Map<String, Integer> priorities, Set<String> disabledPlugins, Set<Stage> disabledStages) {
        this.priorities = Map.copyOf(priorities);
        this.disabledPlugins = Set.copyOf(disabledPlugins);
        this.disabledStages = Collections.unmodifiableSet(
                disabledStages.isEmpty() ? EnumSet.noneOf(Stage.class) : EnumSet.copyOf(disabledStages));
    }

    Integer priority(String plugin) {
        return priorities.get(plugin);
    }

    boolean isPluginEnabled(String plugin) {
        return !disabledPlugins.contains(plugin);
    }

    boolean isStageEnabled(Stage stage) {
        return !disabledStages.contains(stage);
    }

    Overrides withPriority(String plugin, Integer priority) {
        Map<String, Integer> next = new HashMap<>(priorities);
        if (priority == null) {
            next.remove(plugin);
        } else {
            next.put(plugin, priority);
        }
        return new Overrides(next, disabledPlugins, disabledStages);
    }

    Overrides withPluginEnabled(String plugin, boolean enabled) {
        Set<String> next = new HashSet<>(disabledPlugins);
        if (enabled) {
            next.remove(plugin);
        } else {
            next.add(plugin);
        }
        return new Overrides(priorities, next, disabledStages);
    }

    Overrides withStageEnabled(Stage stage, boolean enabled) {
        EnumSet<Stage> next = EnumSet.noneOf(Stage.class);
        next.addAll(disabledStages);
        if (enabled) {
            next.remove(stage);
        } else {
            next.add(stage);
        }
        return new Overrides(priorities, disabledPlugins, next);
    }

    Dictionary<String, Object> toProperties() {
        Hashtable<String, Object> props = new Hashtable<>();
        priorities.forEach((name, priority) -> props.put(PRIORITY_PREFIX + name, priority));
        props.put(DISABLED_PLUGINS, String.join(",", new TreeSet<>(disabledPlugins)));
        props.put(DISABLED_STAGES, disabledStages.stream().map(Stage::label).collect(Collectors.joining(",")));
        return props;
    }

    static Overrides fromProperties(Dictionary<String, ?> props) {
        if (props == null) {
            return NONE;
        }
        Map<String, Integer> priorities = new HashMap<>();
        Set<String> disabledPlugins = new HashSet<>();
        EnumSet<Stage> disabledStages = EnumSet.noneOf(Stage.class);
        for (Enumeration<String> keys = props.keys(); keys.hasMoreElements();) {
            String key = keys.nextElement();
            Object value = props.get(key);
            if (key.startsWith(PRIORITY_PREFIX)) {
                Integer priority = ConfigValues.toInteger(value);
                if (priority == null) {
                    LOG.warn("Ignoring priority override {} = {}: not a whole number", key, value);
                } else {
                    priorities.put(key.substring(PRIORITY_PREFIX.length()), priority);
                }
            } else if (key.equals(DISABLED_PLUGINS)) {
                disabledPlugins.addAll(ConfigValues.toList(value));
            } else if (key.equals(DISABLED_STAGES)) {
                for (String label : ConfigValues.toList(value)) {
                    try {
                        disabledStages.add(Stage.fromLabel(label));
                    } catch (IllegalArgumentException e) {
                        LOG.warn("Ignoring disabled stage '{}': {}", label, e.getMessage());
                    }
                }
            }
        }
        return new Overrides(priorities, disabledPlugins, disabledStages);
    }


}
