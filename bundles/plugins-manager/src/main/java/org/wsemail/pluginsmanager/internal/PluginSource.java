package org.wsemail.pluginsmanager.internal;

import java.util.Map;

import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.wsemail.api.plugin.WsemailExtension;
import org.wsemail.api.plugin.WsemailPlugin;

/**
 * The facts about a plug-in service that the manager orders and reports by, read once from its
 * service properties.
 */
record PluginSource(long serviceId, String name, int ranking, String extensionId, long bundleId,
        String bundleSymbolicName, String bundleLocation) {

    static PluginSource of(ServiceReference<?> reference) {
        Bundle bundle = reference.getBundle();
        Map<String, Object> props = new java.util.HashMap<>();
        for (String key : reference.getPropertyKeys()) {
            props.put(key, reference.getProperty(key));
        }
        return of(props, bundle == null ? -1 : bundle.getBundleId(),
                bundle == null ? "(unregistered)" : bundle.getSymbolicName(),
                bundle == null ? "" : bundle.getLocation());
    }

    static PluginSource of(Map<String, ?> props, long bundleId, String symbolicName, String location) {
        long serviceId = ((Number) props.get(Constants.SERVICE_ID)).longValue();
        Object ranking = props.get(Constants.SERVICE_RANKING);
        Object name = props.get(WsemailPlugin.NAME);
        if (name == null || String.valueOf(name).isBlank()) {
            name = props.get("component.name");
        }
        if (name == null) {
            name = "service-" + serviceId;
        }
        Object extension = props.get(WsemailExtension.ID);
        return new PluginSource(serviceId, String.valueOf(name).trim(),
                ranking instanceof Integer i ? i : 0,
                extension == null ? null : String.valueOf(extension),
                bundleId, symbolicName, location);
    }

    PluginSource withName(String newName) {
        return new PluginSource(serviceId, newName, ranking, extensionId, bundleId, bundleSymbolicName, bundleLocation);
    }
}
