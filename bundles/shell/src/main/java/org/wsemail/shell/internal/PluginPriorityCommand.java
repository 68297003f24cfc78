package org.wsemail.shell.internal;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.wsemail.shell.internal.completers.PluginNameCompleter;

@Command(scope = "wsemail", name = "plugin-priority",
        description = "Overrides a plug-in's priority (higher runs first); kept across restarts")
@Service
public class PluginPriorityCommand extends PluginCommandSupport {

    @Argument(index = 0, name = "name", description = "The plug-in's name", required = true)
    @Completion(PluginNameCompleter.class)
    String name;

    @Argument(index = 1, name = "priority", description = "The new priority, a whole number")
    Integer priority;

    @Option(name = "--reset", description = "Remove the override; the plug-in's service.ranking applies again")
    boolean reset;

    @Override
    public Object execute() {
        if (reset == (priority != null)) {
            throw new IllegalArgumentException("give either a priority or --reset");
        }
        if (reset) {
            pluginAdmin.clearPriority(name);
            System.out.println("Plug-in " + name + " runs at its service.ranking again");
        } else {
            pluginAdmin.setPriority(name, priority);
            System.out.println("Plug-in " + name + " now runs at priority " + priority);
        }
        return null;
    }
}
