package org.wsemail.plugins.routedforms.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.wsemail.plugins.routedforms.ClientPluginLibrary;

@Command(scope = "wsemail", name = "client-plugin-remove", description = "Stops serving a client plug-in (every version, or one)")
@Service
public class ClientPluginRemoveCommand implements Action {

    @Reference
    ClientPluginLibrary library;

    @Argument(index = 0, name = "name", description = "The plug-in's symbolic name", required = true)
    String name;

    @Argument(index = 1, name = "version", description = "One version only")
    String version;

    @Override
    public Object execute() throws Exception {
        int removed = library.remove(name, version);
        if (removed == 0) {
            throw new IllegalArgumentException("no client plug-in " + name + (version == null ? "" : " " + version) + " is published");
        }
        System.out.println("Removed " + removed + " version(s) of " + name);
        return null;
    }
}
