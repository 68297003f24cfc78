package org.wsemail.testing;

import java.lang.reflect.Proxy;
import java.util.Dictionary;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Configuration Admin as far as components that keep their own state in it use it:
 * {@code getConfiguration(pid, location)}, then {@code getProperties()} and {@code update(props)}.
 * Anything else fails loudly. One instance outlives the components built on it, like a restart.
 */
public final class InMemoryConfigurationAdmin {
    private final Map<String, Dictionary<String, Object>> stored = new ConcurrentHashMap<>();

    /** The properties last stored under the PID, or null. */
    public Dictionary<String, Object> properties(String pid) {
        return stored.get(pid);
    }

    public ConfigurationAdmin service() {
        return (ConfigurationAdmin) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ConfigurationAdmin.class},
                (proxy, method, args) -> {
                    if (!method.getName().equals("getConfiguration")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    return configuration((String) args[0]);
                });
    }

    @SuppressWarnings("unchecked")
    private Configuration configuration(String pid) {
        return (Configuration) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Configuration.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getProperties":
                            return stored.get(pid);
                        case "update":
                            stored.put(pid, (Dictionary<String, Object>) args[0]);
                            return null;
                        case "getPid":
                            return pid;
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }
}
