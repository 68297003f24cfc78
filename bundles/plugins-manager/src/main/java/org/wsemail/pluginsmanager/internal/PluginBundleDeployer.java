package org.wsemail.pluginsmanager.internal;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsemail.api.runtime.PluginAdmin;
import org.wsemail.api.runtime.PluginDTO;
import org.wsemail.api.runtime.PluginDeployer;
import org.wsemail.api.runtime.PluginDeploymentException;

/**
 * Keeps the installed plug-in bundles in step with the list in {@value #PID} (Karaf's
 * {@code etc/org.wsemail.plugins.cfg}): at start and whenever the list changes, bundles newly listed
 * are installed and started, and bundles this deployer installed that are no longer listed are
 * uninstalled. Installing or uninstalling from the shell edits the same list, so the file always
 * says what is deployed.
 *
 * <p>The locations it manages are remembered in the bundle's data area, so that a line removed while
 * the server was down still uninstalls its bundle at the next start.
 */
@Component(service = PluginDeployer.class, configurationPid = PluginBundleDeployer.PID)
@Designate(ocd = PluginBundleDeployer.Config.class)
public class PluginBundleDeployer implements PluginDeployer {
    static final String PID = "org.wsemail.plugins";
    static final String PLUGINS = "plugins";

    private static final Logger LOG = LoggerFactory.getLogger(PluginBundleDeployer.class);
    private static final String MANAGED_FILE = "managed-plugin-locations.txt";

    @ObjectClassDefinition(name = "WSEmail plug-in bundles",
            description = "The plug-in bundles the server installs at start and keeps installed.")
    public @interface Config {
        @AttributeDefinition(name = "Plug-in bundle locations",
                description = "Bundle locations (mvn:group/artifact/version, file:...), separated by commas.")
        String[] plugins() default {};
    }

    private final BundleContext context;
    private final ConfigurationAdmin configurationAdmin;
    private final PluginAdmin pluginAdmin;
    private final ExecutorService reconciler = Executors.newSingleThreadExecutor(
            task -> new Thread(task, "wsemail-plugin-deployer"));

    @Activate
    public PluginBundleDeployer(BundleContext context, @Reference ConfigurationAdmin configurationAdmin,
            @Reference PluginAdmin pluginAdmin) {
        this.context = context;
        this.configurationAdmin = configurationAdmin;
        this.pluginAdmin = pluginAdmin;
        reconciler.execute(this::reconcile);
    }

    /** The list changed, by file or by Configuration Admin: bring the bundles in line, off the caller's thread. */
    @Modified
    void modified() {
        reconciler.execute(this::reconcile);
    }

    @Deactivate
    void deactivate() {
        reconciler.shutdownNow();
    }

    @Override
    public synchronized BundleInfo install(String location) throws PluginDeploymentException {
        String trimmed = location == null ? "" : location.trim();
        if (trimmed.isEmpty()) {
            throw new PluginDeploymentException("give the plug-in bundle's location, e.g. mvn:group/artifact/version");
        }
        if (trimmed.contains(",")) {
            throw new PluginDeploymentException("a plug-in location may not contain a comma: " + trimmed);
        }
        Bundle bundle = context.getBundle(trimmed);
        boolean fresh = bundle == null;
        try {
            if (fresh) {
                bundle = context.installBundle(trimmed);
            }
            bundle.start();
        } catch (BundleException | IllegalStateException | SecurityException e) {
            if (fresh && bundle != null) {
                uninstallQuietly(bundle);
            }
            throw new PluginDeploymentException("cannot deploy " + trimmed + ": " + causes(e), e);
        }
        Set<String> listed = listedLocations();
        listed.add(trimmed);
        saveList(listed);
        Set<String> managed = managedLocations();
        managed.add(trimmed);
        saveManaged(managed);
        LOG.info("Installed plug-in bundle {} {} from {}", bundle.getSymbolicName(), bundle.getVersion(), trimmed);
        return info(bundle);
    }

    @Override
    public synchronized BundleInfo uninstall(String name) throws PluginDeploymentException {
        PluginDTO plugin = pluginAdmin.plugin(name).orElseThrow(() -> new IllegalArgumentException(
                "no plug-in named '" + name + "' (wsemail:plugin-list shows them)"));
        Bundle bundle = context.getBundle(plugin.bundleId());
        if (bundle == null) {
            throw new PluginDeploymentException("the bundle of plug-in '" + name + "' is already gone");
        }
        if (bundle.getBundleId() == 0 || bundle.equals(context.getBundle())) {
            throw new PluginDeploymentException("plug-in '" + name + "' is part of the server core ("
                    + bundle.getSymbolicName() + ") and cannot be uninstalled; disable it instead");
        }
        BundleInfo info = info(bundle);
        try {
            bundle.uninstall();
        } catch (BundleException | IllegalStateException e) {
            throw new PluginDeploymentException("cannot uninstall " + bundle.getSymbolicName() + ": " + e.getMessage(), e);
        }
        forget(info.location());
        refreshRemovedBundles();
        LOG.info("Uninstalled plug-in bundle {} (plug-in '{}')", info.symbolicName(), name);
        return info;
    }

    private synchronized void reconcile() {
        try {
            Set<String> listed = listedLocations();
            Set<String> managed = managedLocations();
            for (String location : managed) {
                Bundle bundle = context.getBundle(location);
                if (!listed.contains(location) && bundle != null) {
                    uninstallQuietly(bundle);
                    LOG.info("Uninstalled plug-in bundle {}: no longer listed in {}", location, PID);
                }
            }
            boolean removed = managed.removeIf(location -> !listed.contains(location));
            for (String location : listed) {
                if (context.getBundle(location) == null) {
                    try {
                        Bundle bundle = context.installBundle(location);
                        bundle.start();
                        LOG.info("Installed plug-in bundle {} {} listed in {}", bundle.getSymbolicName(),
                                bundle.getVersion(), PID);
                    } catch (BundleException | IllegalStateException e) {
                        LOG.error("Cannot deploy plug-in bundle {} listed in {}: {}", location, PID, causes(e), e);
                        Bundle failed = context.getBundle(location);
                        if (failed != null) {
                            uninstallQuietly(failed);
                        }
                        continue;
                    }
                }
                managed.add(location);
            }
            saveManaged(managed);
            if (removed) {
                refreshRemovedBundles();
            }
        } catch (RuntimeException e) {
            LOG.error("Cannot bring plug-in bundles in line with {}", PID, e);
        }
    }

    private void forget(String location) {
        Set<String> listed = listedLocations();
        if (listed.remove(location)) {
            saveList(listed);
        }
        Set<String> managed = managedLocations();
        managed.remove(location);
        saveManaged(managed);
    }

    /** Lets the framework drop the class loaders of uninstalled bundles that others were wired to. */
    private void refreshRemovedBundles() {
        context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).adapt(FrameworkWiring.class).refreshBundles(null);
    }

    private static void uninstallQuietly(Bundle bundle) {
        try {
            bundle.uninstall();
        } catch (BundleException | IllegalStateException e) {
            LOG.warn("Cannot uninstall bundle {}: {}", bundle.getLocation(), e.getMessage());
        }
    }

    /** The list as Configuration Admin holds it now, not as an earlier (possibly stale) event carried it. */
    private Set<String> listedLocations() {
        try {
            Dictionary<String, Object> props = configuration().getProperties();
            return props == null ? new LinkedHashSet<>() : new LinkedHashSet<>(ConfigValues.toList(props.get(PLUGINS)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read configuration " + PID, e);
        }
    }

    private void saveList(Set<String> locations) {
        try {
            Configuration configuration = configuration();
            Dictionary<String, Object> props = configuration.getProperties();
            if (props == null) {
                props = new Hashtable<>();
            }
            props.put(PLUGINS, String.join(",", locations));
            configuration.update(props);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store configuration " + PID, e);
        }
    }

    private Configuration configuration() throws IOException {
        return configurationAdmin.getConfiguration(PID, "?");
    }

    private Set<String> managedLocations() {
        File file = context.getDataFile(MANAGED_FILE);
        if (file == null || !file.exists()) {
            return new LinkedHashSet<>();
        }
        try {
            return new LinkedHashSet<>(Files.readAllLines(file.toPath(), StandardCharsets.UTF_8).stream()
                    .map(String::trim).filter(s -> !s.isEmpty()).toList());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private void saveManaged(Set<String> locations) {
        File file = context.getDataFile(MANAGED_FILE);
        try {
            Files.write(file.toPath(), locations, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** The messages of an exception and its causes, for an administrator who sees no stack trace. */
    static String causes(Throwable error) {
        Set<String> messages = new LinkedHashSet<>();
        for (Throwable t = error; t != null && t.getCause() != t; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && messages.stream().noneMatch(m -> m.contains(message))) {
                messages.add(message);
            }
        }
        return messages.isEmpty() ? error.toString() : String.join(": ", messages);
    }

    private static BundleInfo info(Bundle bundle) {
        return new BundleInfo(bundle.getBundleId(), bundle.getSymbolicName(), bundle.getVersion().toString(),
                bundle.getLocation());
    }
}
