package org.wsemail.formsclient;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.TrustAnchor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import org.osgi.framework.Version;
import org.wsemail.api.Attachment;
import org.wsemail.api.MailMessage;
import org.wsemail.forms.Form;
import org.wsemail.forms.PluginCoordinates;
import org.wsemail.forms.spi.FormType;

/**
 * The user's client plug-ins: the local registry ({@code registry.properties} and the checked jars in
 * the plug-in directory, {@code ~/.wsemail/plugins} by default, which also remembers the form steps
 * this client signed), what it takes to add one the first
 * time a form needs it (the user's approval, {@link PluginDownload}'s checks), upgrades when a form
 * names a newer version, and the framework the registered plug-ins run in. Used from one thread;
 * close it when done.
 */
public final class ClientPlugins implements AutoCloseable {

    /** Asks the user whether to install a plug-in; the text says what and from whom. */
    @FunctionalInterface
    public interface Approval {
        boolean approve(String question);
    }

    /** A registered plug-in. */
    record Registered(String name, String version, String signer, String sha256, Instant installed, String autofill) {
    }

    private final Path directory;
    private final Set<String> trustedSigners;
    private final PluginDownload download;
    private final Approval approval;
    private final PrintStream out;
    private final Properties registry = new Properties();
    private PluginFramework framework;

    /**
     * The plug-ins registered in {@code directory} (made, owner-only, if need be).
     *
     * @param trustedSigners the domains whose plug-ins the user accepts at all (asked before each install)
     * @param roots the roots the signing domain's certificate must lead to
     * @param out where installs and upgrades are reported
     */
    public static ClientPlugins open(Path directory, Set<String> trustedSigners, Set<TrustAnchor> roots,
            Approval approval, PrintStream out) throws IOException {
        return new ClientPlugins(directory, trustedSigners, new PluginDownload(roots), approval, out);
    }

    /** The form a message carries, if it carries one. */
    public static Optional<Form> formOf(MailMessage message) throws IOException {
        for (Attachment attachment : message.attachments()) {
            if (Form.FILE_NAME.equals(attachment.name()) && Form.CONTENT_TYPE.equals(attachment.contentType())) {
                return Optional.of(parse(attachment.content()));
            }
        }
        return Optional.empty();
    }

    static Form parse(byte[] xml) throws IOException {
        try {
            return Form.parse(xml);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /**
     * The form type of a form, from its plug-in (fetched and registered if need be, as {@link #formType(String, PluginCoordinates)}).
     *
     * @throws IOException saying why the plug-in was refused or could not be had
     */
    public FormType formTypeOf(Form form) throws IOException {
        try {
            return formType(form.type(), form.plugin());
        } catch (PluginDownload.Refused e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    ClientPlugins(Path directory, Set<String> trustedSigners, PluginDownload download, Approval approval, PrintStream out)
            throws IOException {
        this.directory = directory;
        this.trustedSigners = Set.copyOf(trustedSigners);
        this.download = download;
        this.approval = approval;
        this.out = out;
        Files.createDirectories(directory);
        try {
            Files.setPosixFilePermissions(directory, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: the user's home protects it as it protects the rest of ~/.wsemail.
        }
        Path file = directory.resolve("registry.properties");
        if (Files.exists(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                registry.load(in);
            }
        }
    }

    /**
     * The form type, from the plug-in the form names: the registered one if it is that version or
     * newer, else fetched (after the user approved) and registered.
     *
     * @throws PluginDownload.Refused if the plug-in is refused, declined, or does not offer the type
     */
    FormType formType(String type, PluginCoordinates plugin) throws PluginDownload.Refused, IOException {
        Optional<Registered> registered = registered(plugin.symbolicName());
        boolean current = registered.isPresent()
                && Version.parseVersion(registered.get().version()).compareTo(Version.parseVersion(plugin.version())) >= 0;
        if (!current) {
            install(plugin, registered);
        }
        if (framework == null) {
            List<Path> jars = new ArrayList<>();
            for (Registered each : list()) {
                jars.add(jar(each.name(), each.version()));
            }
            framework = new PluginFramework(directory.resolve("framework"), jars);
        }
        return framework.formType(type).orElseThrow(() -> new PluginDownload.Refused("the plug-in " + plugin.symbolicName()
                + " offers no form type " + type));
    }

    private void install(PluginCoordinates plugin, Optional<Registered> previous) throws PluginDownload.Refused, IOException {
        if (!trustedSigners.contains(plugin.signer())) {
            throw new PluginDownload.Refused("the form needs the plug-in " + plugin.symbolicName() + " " + plugin.version()
                    + " signed by " + plugin.signer() + ", which you do not trust for plug-ins (you trust " + trustedSigners
                    + "; add it with --plugin-signers)");
        }
        String question = (previous.isPresent() ? "The form needs version " + plugin.version() + " of the plug-in "
                + plugin.symbolicName() + " (you have " + previous.get().version() + ")" : "The form needs the plug-in "
                + plugin.symbolicName() + " " + plugin.version()) + ", signed by " + plugin.signer() + "'s server, from "
                + plugin.location() + " (SHA-256 " + plugin.sha256() + "). Install it?";
        if (!approval.approve(question)) {
            throw new PluginDownload.Refused("the plug-in " + plugin.symbolicName() + " " + plugin.version()
                    + " was not installed: you declined it");
        }
        if (framework != null) {
            framework.close();
            framework = null;
        }
        Path jar = jar(plugin.symbolicName(), plugin.version());
        download.fetch(plugin, jar);
        String name = plugin.symbolicName();
        registry.setProperty(name + ".version", plugin.version());
        registry.setProperty(name + ".signer", plugin.signer());
        registry.setProperty(name + ".sha256", plugin.sha256());
        registry.setProperty(name + ".installed", Instant.now().toString());
        save();
        if (previous.isPresent()) {
            Files.deleteIfExists(jar(name, previous.get().version()));
            out.println("Upgraded the plug-in " + name + " from " + previous.get().version() + " to " + plugin.version());
        } else {
            out.println("Installed the plug-in " + name + " " + plugin.version() + ", signed by " + plugin.signer());
        }
    }

    /** Whether the user allowed the plug-in to use their identity for autofill: "yes", "no", or empty if never asked. */
    Optional<String> autofillConsent(String name) {
        return Optional.ofNullable(registry.getProperty(name + ".autofill"));
    }

    void recordAutofillConsent(String name, boolean allowed) throws IOException {
        registry.setProperty(name + ".autofill", allowed ? "yes" : "no");
        save();
    }

    /** When this client signed that step of that form, if it did: a second signature would fork the form from an old copy. */
    Optional<Instant> signedBefore(String formId, int step) {
        return Optional.ofNullable(registry.getProperty("signed." + formId + "." + step)).map(Instant::parse);
    }

    void recordSigned(String formId, int step) throws IOException {
        registry.setProperty("signed." + formId + "." + step, Instant.now().toString());
        save();
    }

    Optional<Registered> registered(String name) {
        String version = registry.getProperty(name + ".version");
        if (version == null || !Files.isRegularFile(jar(name, version))) {
            return Optional.empty();
        }
        return Optional.of(new Registered(name, version, registry.getProperty(name + ".signer", ""), registry.getProperty(name
                + ".sha256", ""), Instant.parse(registry.getProperty(name + ".installed", Instant.EPOCH.toString())),
                registry.getProperty(name + ".autofill", "not asked")));
    }

    List<Registered> list() {
        Set<String> names = new TreeSet<>();
        for (String key : registry.stringPropertyNames()) {
            if (key.endsWith(".version") && !key.startsWith("signed.")) {
                names.add(key.substring(0, key.length() - ".version".length()));
            }
        }
        List<Registered> all = new ArrayList<>();
        names.forEach(name -> registered(name).ifPresent(all::add));
        return all;
    }

    /** Removes a plug-in from the registry and deletes its jar; false if it was not registered. */
    boolean remove(String name) throws IOException {
        Optional<Registered> registered = registered(name);
        registry.stringPropertyNames().stream().filter(k -> k.startsWith(name + ".")).toList().forEach(registry::remove);
        save();
        if (registered.isPresent()) {
            Files.deleteIfExists(jar(name, registered.get().version()));
        }
        return registered.isPresent();
    }

    private Path jar(String name, String version) {
        return directory.resolve(name + "-" + version + ".jar");
    }

    private void save() throws IOException {
        Path file = directory.resolve("registry.properties");
        Path temporary = directory.resolve("registry.properties.new");
        try (OutputStream stream = Files.newOutputStream(temporary)) {
            registry.store(stream, "WSEmail client plug-ins (checked and approved; the jars lie beside this file) and the form steps this client signed");
        }
        Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void close() {
        if (framework != null) {
            framework.close();
        }
    }
}
