package org.wsemail.shell.internal;

import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.wsemail.api.runtime.PluginAdmin;
import org.wsemail.api.runtime.PluginDTO;
import org.wsemail.api.runtime.PluginDeployer;
import org.wsemail.api.runtime.PluginDeployer.BundleInfo;

@Command(scope = "wsemail", name = "plugin-install",
        description = "Installs and starts a plug-in bundle and adds it to etc/org.wsemail.plugins.cfg")
@Service
public class PluginInstallCommand implements Action {
    private static final long REGISTRATION_WAIT_MILLIS = 5000;

    @Reference
    PluginDeployer deployer;

    @Reference
    PluginAdmin pluginAdmin;

    @Argument(index = 0, name = "location", required = true,
            description = "Where the bundle is: mvn:group/artifact/version or file:/path/plugin.jar")
    String location;

    @Override
    public Object execute() throws Exception {
        BundleInfo bundle = deployer.install(location);
        System.out.println("Installed " + bundle.symbolicName() + " " + bundle.version() + " [" + bundle.bundleId() + "]");
        List<PluginDTO> plugins = awaitPlugins(bundle.bundleId());
        if (plugins.isEmpty()) {
            System.out.println("No plug-in registered from it within " + REGISTRATION_WAIT_MILLIS / 1000
                    + " s; check bundle:diag " + bundle.bundleId());
        }
        for (PluginDTO plugin : plugins) {
            System.out.println("Plug-in " + plugin.name() + " ("
                    + String.join(",", plugin.stages().stream().sorted().map(s -> s.label()).toList())
                    + ") at priority " + plugin.effectivePriority());
        }
        return null;
    }

    /** Declarative Services registers the bundle's plug-ins asynchronously after it starts. */
    private List<PluginDTO> awaitPlugins(long bundleId) throws InterruptedException {
        long deadline = System.currentTimeMillis() + REGISTRATION_WAIT_MILLIS;
        while (true) {
            List<PluginDTO> plugins = pluginAdmin.plugins().stream().filter(p -> p.bundleId() == bundleId).toList();
            if (!plugins.isEmpty() || System.currentTimeMillis() > deadline) {
                return plugins;
            }
            Thread.sleep(50);
        }
    }
}
