package org.wsemail.formsclient;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.wsemail.forms.spi.FormType;

/**
 * The OSGi framework (Apache Felix, embedded) that client plug-ins run in: started with Declarative
 * Services and the plug-ins of the local registry, it offers each plug-in the form SPI and nothing
 * else of the client. The plug-ins' bundles were checked before they were registered ({@link
 * PluginDownload}); the framework's cache is rebuilt at every start, so only registered jars run.
 * Used from one thread; close it when done.
 */
final class PluginFramework implements AutoCloseable {
    /** Where the framework's own bundles (Declarative Services and what it needs) lie; set by the distribution's layout. */
    static final String RUNTIME_PROPERTY = "wsemail.plugin.runtime";
    /** The manifest header in which a client plug-in names the form types it offers. */
    static final String FORM_TYPES_HEADER = "WSEmail-Form-Types";
    private static final Duration ACTIVATION = Duration.ofSeconds(10);

    private final Framework framework;

    /**
     * Starts the framework with these plug-in jars.
     *
     * @param cache the framework's working directory, emptied first
     */
    PluginFramework(Path cache, List<Path> plugins) throws IOException {
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class, PluginFramework.class.getClassLoader()).findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path"));
        framework = factory.newFramework(Map.of(
                Constants.FRAMEWORK_STORAGE, cache.toString(),
                Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT,
                Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, "org.wsemail.forms.spi;version=\"1.0.0\"",
                "felix.log.level", "1"));
        try {
            framework.start();
            List<Bundle> started = new ArrayList<>();
            for (Path jar : runtimeBundles()) {
                started.add(install(jar));
            }
            for (Path plugin : plugins) {
                started.add(install(plugin));
            }
            for (Bundle bundle : started) {
                if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                    bundle.start();
                }
            }
        } catch (BundleException e) {
            close();
            throw new IOException("the client plug-ins cannot start: " + e.getMessage(), e);
        }
    }

    private Bundle install(Path jar) throws IOException, BundleException {
        try (InputStream in = Files.newInputStream(jar)) {
            return framework.getBundleContext().installBundle(jar.toUri().toString(), in);
        }
    }

    /**
     * The form type of that name, once its plug-in's component is active (Declarative Services
     * activates it shortly after its bundle starts); empty if no plug-in declares it.
     */
    Optional<FormType> formType(String name) {
        BundleContext context = framework.getBundleContext();
        boolean declared = false;
        for (Bundle bundle : context.getBundles()) {
            String types = bundle.getHeaders().get(FORM_TYPES_HEADER);
            declared |= types != null && List.of(types.split("\\s*,\\s*")).contains(name);
        }
        if (!declared) {
            return Optional.empty();
        }
        long deadline = System.nanoTime() + ACTIVATION.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                for (ServiceReference<FormType> reference : context.getServiceReferences(FormType.class, null)) {
                    FormType type = context.getService(reference);
                    if (type != null && name.equals(type.name())) {
                        return Optional.of(type);
                    }
                }
                Thread.sleep(20);
            } catch (InvalidSyntaxException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new IllegalStateException("the plug-in for form type " + name + " did not come up within " + ACTIVATION.toSeconds()
                + " s");
    }

    /** The jars of the framework's runtime: Declarative Services and the promise and function libraries. */
    static List<Path> runtimeBundles() throws IOException {
        String configured = System.getProperty(RUNTIME_PROPERTY);
        Path directory;
        if (configured != null) {
            directory = Path.of(configured);
        } else {
            try {
                // The distribution: client/lib/forms-client.jar beside client/plugin-runtime/.
                Path jar = Path.of(PluginFramework.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                directory = jar.getParent().resolveSibling("plugin-runtime");
            } catch (java.net.URISyntaxException e) {
                throw new IOException("cannot find the plug-in runtime: " + e.getMessage(), e);
            }
        }
        List<Path> jars = new ArrayList<>();
        if (Files.isDirectory(directory)) {
            try (DirectoryStream<Path> found = Files.newDirectoryStream(directory, "*.jar")) {
                found.forEach(jars::add);
            }
        }
        if (jars.isEmpty()) {
            throw new IOException("the plug-in runtime (Declarative Services) is missing from " + directory);
        }
        jars.sort(null);
        return jars;
    }

    @Override
    public void close() {
        try {
            framework.stop();
            framework.waitForStop(ACTIVATION.toMillis());
        } catch (BundleException e) {
            throw new IllegalStateException("the client plug-ins did not stop: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
