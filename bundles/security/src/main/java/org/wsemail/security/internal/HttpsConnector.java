package org.wsemail.security.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * Puts every endpoint behind TLS: tells Karaf's web server (Pax Web, PID {@value #PAX_WEB_PID}, file
 * {@code etc/org.ops4j.pax.web.cfg}) to serve HTTPS with this server's key store and trust store, and
 * to close plain HTTP. The key store
 * is the one this server signs with, so the certificate a client sees names the mail domain.
 * Only the TLS properties are written; ports and addresses an administrator set stay. Pax Web
 * restarts its connectors when they change, which happens on a first start and when these
 * settings change, not on every start. Its settings are the {@code tls.*} and {@code http.enabled}
 * properties of {@value SecuritySettings#PID}.
 */
@Component(immediate = true, configurationPid = SecuritySettings.PID)
public class HttpsConnector {
    static final String PAX_WEB_PID = "org.ops4j.pax.web";

    private static final Logger LOG = LoggerFactory.getLogger(HttpsConnector.class);

    @ObjectClassDefinition(name = "WSEmail TLS", description = "How the web server serves the SOAP endpoints")
    public @interface Config {
        @AttributeDefinition(name = "TLS", description = "Serve HTTPS; turning it off serves plain HTTP only, for closed test networks")
        boolean tls_enabled() default true;

        @AttributeDefinition(name = "HTTPS port")
        int tls_port() default 8443;

        @AttributeDefinition(name = "Client certificates", description = "Ask connecting parties for a certificate",
                options = {@Option(value = "none"), @Option(value = "want", label = "want (mutual TLS with parties that offer a trusted certificate)"),
                        @Option(value = "need", label = "need (only parties with a trusted certificate)")})
        String tls_client_auth() default "none";

        @AttributeDefinition(name = "Plain HTTP too", description = "Keep the plain HTTP port open beside HTTPS")
        boolean http_enabled() default false;
    }

    private final Path etc;
    private final CredentialStores.StoreFiles stores;

    @Activate
    public HttpsConnector(Config config, @Reference CredentialStores stores) throws IOException {
        this.etc = Path.of(System.getProperty("karaf.etc", "."));
        this.stores = stores.files();
        apply(config);
    }

    @Modified
    void modified(Config config) throws IOException {
        apply(config);
    }

    /**
     * Writes the settings into {@code etc/org.ops4j.pax.web.cfg}, which Karaf's file watcher hands
     * to Pax Web. Writing the file (whole, then renamed into place) rather than updating the
     * configuration directly leaves one writer: updating it directly makes the watcher write the
     * file back, and two changes in quick succession let it read a half-written file and reset the
     * web server to its defaults (plain HTTP on 8080).
     */
    private synchronized void apply(Config config) throws IOException {
        Path file = etc.resolve(PAX_WEB_PID + ".cfg");
        List<String> lines = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.ISO_8859_1) : List.of();
        List<String> next = withProperties(lines, paxWebProperties(config, stores));
        if (next.equals(lines)) {
            return;
        }
        Path temporary = Files.createTempFile(etc, PAX_WEB_PID, ".tmp");
        Files.write(temporary, next, StandardCharsets.ISO_8859_1);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        SecretFiles.ownerOnly(file);
        if (config.tls_enabled()) {
            LOG.info("Serving HTTPS on port {} (client certificates: {}), plain HTTP {}", config.tls_port(),
                    config.tls_client_auth(), config.http_enabled() ? "still open" : "closed");
        } else {
            LOG.warn("TLS is off: the SOAP endpoints, passwords included, travel in plain HTTP");
        }
    }

    /** The lines of a properties file with each of {@code properties} set: its line replaced, or added at the end. */
    static List<String> withProperties(List<String> lines, Map<String, String> properties) {
        List<String> result = new ArrayList<>();
        Map<String, String> missing = new LinkedHashMap<>(properties);
        for (String line : lines) {
            String key = keyOf(line);
            if (key != null && properties.containsKey(key)) {
                if (missing.remove(key) != null) {
                    result.add(key + " = " + escape(properties.get(key)));
                }
            } else {
                result.add(line);
            }
        }
        missing.forEach((key, value) -> result.add(key + " = " + escape(value)));
        return result;
    }

    private static String keyOf(String line) {
        String trimmed = line.trim();
        if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith("!")) {
            return null;
        }
        int end = 0;
        while (end < trimmed.length() && "=: \t".indexOf(trimmed.charAt(end)) < 0) {
            end++;
        }
        return trimmed.substring(0, end);
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\");
    }

    /** The Pax Web properties for these settings and these stores. */
    static Map<String, String> paxWebProperties(Config config, CredentialStores.StoreFiles stores) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("org.osgi.service.http.secure.enabled", String.valueOf(config.tls_enabled()));
        properties.put("org.osgi.service.http.enabled", String.valueOf(!config.tls_enabled() || config.http_enabled()));
        if (!config.tls_enabled()) {
            return properties;
        }
        if (!"none".equals(config.tls_client_auth()) && !"want".equals(config.tls_client_auth())
                && !"need".equals(config.tls_client_auth())) {
            throw new IllegalArgumentException("tls.client.auth must be none, want or need, not '" + config.tls_client_auth() + "'");
        }
        properties.put("org.osgi.service.http.port.secure", String.valueOf(config.tls_port()));
        properties.put("org.ops4j.pax.web.ssl.keystore", stores.keystore().toString());
        properties.put("org.ops4j.pax.web.ssl.keystore.type", "PKCS12");
        properties.put("org.ops4j.pax.web.ssl.keystore.password", stores.keystorePassword());
        properties.put("org.ops4j.pax.web.ssl.key.password", stores.keystorePassword());
        properties.put("org.ops4j.pax.web.ssl.key.alias", stores.keyAlias());
        properties.put("org.ops4j.pax.web.ssl.truststore", stores.truststore().toString());
        properties.put("org.ops4j.pax.web.ssl.truststore.type", "PKCS12");
        properties.put("org.ops4j.pax.web.ssl.truststore.password", stores.truststorePassword());
        properties.put("org.ops4j.pax.web.ssl.clientauth.wanted", String.valueOf("want".equals(config.tls_client_auth())));
        properties.put("org.ops4j.pax.web.ssl.clientauth.needed", String.valueOf("need".equals(config.tls_client_auth())));
        properties.put("org.ops4j.pax.web.ssl.protocols.included", "TLSv1.3,TLSv1.2");
        return properties;
    }
}
