package org.wsemail.plugins.routedforms;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertPath;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.zip.ZipFile;

import javax.net.ssl.X509KeyManager;

import jdk.security.jarsigner.JarSigner;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsemail.api.plugin.MailContext;
import org.wsemail.api.server.TlsCredentials;
import org.wsemail.forms.PluginCoordinates;

/**
 * The client plug-ins this domain publishes (the paper's section 3.2): bundles whose forms this
 * domain's users send. Publishing signs the jar with this server's key (the JDK's jar signer; the
 * certificate names the domain), so that a client checks it as it checks this server's signature on
 * mail, and keeps it under {@code data/wsemail/client-plugins/NAME/VERSION.jar}, served by {@link
 * ClientPluginServlet}. Thread-safe: a publish writes a temporary file and moves it into place.
 */
@Component(service = ClientPluginLibrary.class, configurationPid = RoutedForms.PID)
public class ClientPluginLibrary {
    /** The manifest header that names the form types a client plug-in offers, comma-separated. */
    public static final String FORM_TYPES_HEADER = "WSEmail-Form-Types";
    /** Where the jars are served, below the server's root. */
    static final String SERVED_AT = "/client-plugins";
    private static final String TYPES = "types";
    private static final String SHA256 = "sha256";
    private static final Logger LOG = LoggerFactory.getLogger(ClientPluginLibrary.class);

    /** A published plug-in: its coordinates, the form types it offers, its size and when. */
    public record Published(PluginCoordinates coordinates, List<String> formTypes, long size, Instant published) {
    }

    private final Path directory;
    private final URI base;
    private final String domain;
    private final TlsCredentials tls;

    @Activate
    public ClientPluginLibrary(RoutedForms.Config config, @Reference MailContext context, @Reference TlsCredentials tls) {
        this(Path.of(System.getProperty("karaf.data", "data"), "wsemail", "client-plugins"), RoutedForms.base(config, context),
                context.domain(), tls);
    }

    ClientPluginLibrary(Path directory, URI base, String domain, TlsCredentials tls) {
        this.directory = directory;
        this.base = base;
        this.domain = domain;
        this.tls = tls;
    }

    /**
     * Signs and publishes a client plug-in; a version published before is replaced.
     *
     * @throws IllegalArgumentException if the file is not a bundle that names its form types
     * @throws IOException if it cannot be read or kept
     */
    public Published publish(Path jar) throws IOException {
        String name;
        String version;
        List<String> types;
        try (JarFile file = new JarFile(jar.toFile())) {
            if (file.getManifest() == null) {
                throw new IllegalArgumentException(jar + " has no manifest: a client plug-in is an OSGi bundle");
            }
            Attributes main = file.getManifest().getMainAttributes();
            name = Optional.ofNullable(main.getValue("Bundle-SymbolicName")).map(n -> n.split(";")[0].trim())
                    .orElseThrow(() -> new IllegalArgumentException(jar + " is not an OSGi bundle: it has no Bundle-SymbolicName"));
            version = Optional.ofNullable(main.getValue("Bundle-Version")).orElse("0.0.0").trim();
            types = Arrays.stream(Optional.ofNullable(main.getValue(FORM_TYPES_HEADER)).orElse("").split(","))
                    .map(String::trim).filter(t -> !t.isEmpty()).toList();
        } catch (java.util.zip.ZipException e) {
            throw new IllegalArgumentException(jar + " is not a jar: " + e.getMessage(), e);
        }
        if (types.isEmpty()) {
            throw new IllegalArgumentException(jar + " names no form types: a client plug-in's manifest lists them in " + FORM_TYPES_HEADER);
        }
        PluginCoordinates.checkNameAndVersion(name, version);
        Path target = jarPath(name, version);
        Files.createDirectories(target.getParent());
        Path signing = Files.createTempFile(target.getParent(), "publish", ".jar");
        try {
            sign(jar, signing);
            Files.move(signing, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(signing);
        }
        // Hashed once, here: listing (each form a user sends) reads the record, not the jar.
        Properties record = new Properties();
        record.setProperty(TYPES, String.join(",", types));
        record.setProperty(SHA256, PluginCoordinates.sha256Of(target));
        try (OutputStream out = Files.newOutputStream(recordPath(name, version))) {
            record.store(out, "published client plug-in " + name + " " + version);
        }
        Published published = describe(target).orElseThrow();
        LOG.info("Published client plug-in {} {} for {} (SHA-256 {})", name, version, types, published.coordinates().sha256());
        return published;
    }

    /** Every published plug-in, by name, then version. */
    public List<Published> list() throws IOException {
        List<Published> all = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return all;
        }
        try (DirectoryStream<Path> names = Files.newDirectoryStream(directory, Files::isDirectory)) {
            for (Path name : names) {
                try (DirectoryStream<Path> jars = Files.newDirectoryStream(name, "*.jar")) {
                    for (Path jar : jars) {
                        describe(jar).ifPresent(all::add);
                    }
                }
            }
        }
        all.sort(Comparator.comparing((Published p) -> p.coordinates().symbolicName())
                .thenComparing(p -> org.osgi.framework.Version.parseVersion(p.coordinates().version())));
        return all;
    }

    /**
     * Removes a published plug-in: every version, or one.
     *
     * @return how many versions were removed
     */
    public int remove(String name, String version) throws IOException {
        int removed = 0;
        for (Published published : list()) {
            PluginCoordinates coordinates = published.coordinates();
            if (coordinates.symbolicName().equals(name) && (version == null || coordinates.version().equals(version))) {
                Files.deleteIfExists(recordPath(name, coordinates.version()));
                Files.delete(jarPath(name, coordinates.version()));
                removed++;
            }
        }
        if (removed > 0) {
            LOG.info("Removed {} version(s) of client plug-in {}", removed, name);
        }
        return removed;
    }

    /** The jar of a published plug-in, for the servlet; empty if there is none. */
    Optional<Path> jar(String name, String version) {
        // Names as bundles have them, never a path: no slashes, no leading dot, no "..".
        if (!name.matches("[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}") || !version.matches("[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}")
                || name.contains("..") || version.contains("..")) {
            return Optional.empty();
        }
        Path jar = jarPath(name, version);
        return Files.isRegularFile(jar) ? Optional.of(jar) : Optional.empty();
    }

    private Path jarPath(String name, String version) {
        return directory.resolve(name).resolve(version + ".jar");
    }

    private Path recordPath(String name, String version) {
        return directory.resolve(name).resolve(version + ".published");
    }

    /** A jar and its publication record; empty for a jar that was not published here (no record). */
    private Optional<Published> describe(Path jar) throws IOException {
        String name = jar.getParent().getFileName().toString();
        String file = jar.getFileName().toString();
        String version = file.substring(0, file.length() - ".jar".length());
        Path recordFile = recordPath(name, version);
        if (!Files.isRegularFile(jar) || !Files.isRegularFile(recordFile)) {
            return Optional.empty();
        }
        Properties record = new Properties();
        try (InputStream in = Files.newInputStream(recordFile)) {
            record.load(in);
        }
        return Optional.of(new Published(coordinates(name, version, record.getProperty(SHA256)),
                List.of(record.getProperty(TYPES).split(",")), Files.size(jar), Files.getLastModifiedTime(jar).toInstant()));
    }

    private PluginCoordinates coordinates(String name, String version, String sha256) {
        return new PluginCoordinates(name, version, URI.create(base + SERVED_AT + "/" + name + "/" + version + ".jar"), sha256, domain);
    }

    private void sign(Path jar, Path signed) throws IOException {
        X509KeyManager keys = (X509KeyManager) tls.keyManagers()[0];
        String alias = Optional.ofNullable(keys.chooseServerAlias("RSA", null, null)).orElse(keys.chooseServerAlias("EC", null, null));
        PrivateKey key = alias == null ? null : keys.getPrivateKey(alias);
        X509Certificate[] chain = alias == null ? null : keys.getCertificateChain(alias);
        if (key == null || chain == null) {
            throw new IllegalStateException("this server has no key to sign client plug-ins with");
        }
        try (ZipFile unsigned = new ZipFile(jar.toFile()); var out = Files.newOutputStream(signed)) {
            CertPath path = CertificateFactory.getInstance("X.509").generateCertPath(List.of(chain));
            JarSigner.Builder builder = new JarSigner.Builder(key, path).digestAlgorithm("SHA-256").signerName("WSEMAIL");
            builder.build().sign(unsigned, out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign the client plug-in: " + e.getMessage(), e);
        } catch (NoClassDefFoundError e) {
            throw new IllegalStateException("cannot sign the client plug-in: the JDK's jar signer is not exported to bundles"
                    + " (add jdk.security.jarsigner to org.osgi.framework.system.packages.extra in etc/config.properties)", e);
        }
    }
}
