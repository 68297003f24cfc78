package org.wsemail.shell.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.wsemail.api.runtime.PluginDeployer;
import org.wsemail.api.runtime.PluginDeployer.BundleInfo;
import org.wsemail.shell.internal.completers.PluginNameCompleter;

@Command(scope = "wsemail", name = "plugin-uninstall",
        description = "Uninstalls the bundle providing a plug-in and removes it from etc/org.wsemail.plugins.cfg")
@Service
public class PluginUninstallCommand implements Action {

    @Reference
    PluginDeployer deployer;

    @Argument(index = 0, name = "name", description = "The plug-in's name", required = true)
    @Completion(PluginNameCompleter.class)
    String name;

    @Override
    public Object execute() throws Exception {
        BundleInfo bundle = deployer.uninstall(name);
        System.out.println("Uninstalled " + bundle.symbolicName() + " " + bundle.version() + " (plug-in " + name + ")");
        return null;
    }
}
