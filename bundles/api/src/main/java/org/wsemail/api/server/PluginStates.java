package org.wsemail.api.server;

import org.osgi.annotation.versioning.ProviderType;
import org.wsemail.api.plugin.PluginStore;

/**
 * Where plug-ins keep their state: one {@link PluginStore} per plug-in, in the server's database, so
 * that it survives restarts and reinstalls of the plug-in. The plug-ins manager hands each plug-in
 * bundle its own store through the {@link org.wsemail.api.plugin.MailContext}; nothing else should
 * open one. Thread-safe.
 */
@ProviderType
public interface PluginStates {

    /**
     * The store of one plug-in.
     *
     * @param owner what the state belongs to, stable across versions: the plug-in bundle's
     *     symbolic name
     */
    PluginStore forPlugin(String owner);
}
