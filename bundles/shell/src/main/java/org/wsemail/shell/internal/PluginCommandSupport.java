package org.wsemail.shell.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.wsemail.api.runtime.PluginAdmin;

/** What the plug-in and stage commands share: the plug-ins manager's admin view. */
public abstract class PluginCommandSupport implements Action {

    @Reference
    protected PluginAdmin pluginAdmin;
}
