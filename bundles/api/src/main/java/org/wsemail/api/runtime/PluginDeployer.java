package org.wsemail.api.runtime;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Installs and removes plug-in bundles while the server runs, keeping the list of plug-in bundles
 * in {@code etc/org.wsemail.plugins.cfg} in step, so that what an administrator installs is there
 * again after a restart.
 *
 * <p>Thread-safe; calls are serialized.
 */
@ProviderType
public interface PluginDeployer {

    /**
     * Installs and starts the bundle at {@code location} (e.g. {@code mvn:group/artifact/version} or
     * {@code file:/path/plugin.jar}) and adds it to the plug-in list. If the bundle cannot be
     * installed or started, nothing changes.
     *
     * @return the installed bundle
     * @throws PluginDeploymentException saying why, when the bundle cannot be fetched, resolved or started
     */
    BundleInfo install(String location) throws PluginDeploymentException;

    /**
     * Uninstalls the bundle that provides the plug-in {@code name} (with any other plug-ins it
     * provides) and removes it from the plug-in list. Messages in flight finish with the chain they
     * started with.
     *
     * @return the bundle that was removed
     * @throws IllegalArgumentException if no plug-in has that name
     * @throws PluginDeploymentException if the bundle is part of the server itself or cannot be uninstalled
     */
    BundleInfo uninstall(String name) throws PluginDeploymentException;

    /**
     * A bundle as installed.
     *
     * @param bundleId the framework's id for it
     * @param symbolicName its Bundle-SymbolicName
     * @param version its Bundle-Version
     * @param location where it was installed from
     */
    record BundleInfo(long bundleId, String symbolicName, String version, String location) {
    }
}
