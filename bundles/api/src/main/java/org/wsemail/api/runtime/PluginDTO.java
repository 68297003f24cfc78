package org.wsemail.api.runtime;

import java.time.Instant;
import java.util.Set;

import org.wsemail.api.plugin.Stage;

/**
 * A running plug-in as the plug-ins manager sees it. An immutable snapshot: read it again for fresh
 * counters.
 *
 * @param name the plug-in's stable name ({@code wsemail.plugin.name})
 * @param serviceId the OSGi service id of the plug-in service
 * @param bundleId the id of the bundle that registered it
 * @param bundleSymbolicName that bundle's symbolic name
 * @param bundleLocation that bundle's location, as installed
 * @param stages the stages it takes part in (several for a composite plug-in)
 * @param extensionId the extension identifier it serves, or {@code null}
 * @param serviceRanking its {@code service.ranking}, 0 when unset
 * @param priorityOverride the administrator's override, or {@code null}
 * @param effectivePriority the override if set, else the ranking; higher runs first
 * @param enabled false when an administrator disabled it
 * @param calls calls made to it since it was registered
 * @param failures calls that threw, returned nothing or ran past the time limit
 * @param timeouts of those failures, the ones that ran past the time limit
 * @param lastError the last failure's description, or {@code null}
 * @param lastErrorTime when it happened, or {@code null}
 */
public record PluginDTO(String name, long serviceId, long bundleId, String bundleSymbolicName,
        String bundleLocation, Set<Stage> stages, String extensionId, int serviceRanking,
        Integer priorityOverride, int effectivePriority, boolean enabled, long calls, long failures,
        long timeouts, String lastError, Instant lastErrorTime) {

    public PluginDTO {
        stages = Set.copyOf(stages);
    }
}
