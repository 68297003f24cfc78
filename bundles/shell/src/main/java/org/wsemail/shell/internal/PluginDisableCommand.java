package org.wsemail.shell.internal;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.wsemail.shell.internal.completers.PluginNameCompleter;

@Command(scope = "wsemail", name = "plugin-disable",
        description = "Disables a plug-in in all its stages; messages skip it until it is enabled")
@Service
public class PluginDisableCommand extends PluginCommandSupport {

    @Argument(index = 0, name = "name", description = "The plug-in's name", required = true)
    @Completion(PluginNameCompleter.class)
    String name;

    @Override
    public Object execute() {
        pluginAdmin.setEnabled(name, false);
        System.out.println("Plug-in " + name + " disabled");
        return null;
    }
}
