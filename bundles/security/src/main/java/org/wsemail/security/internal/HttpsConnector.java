package org.wsemail.security.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsemail.api.server.TlsCredentials;

/**
 * Puts every endpoint behind TLS: tells Karaf's web server (Pax Web, PID {@value #PAX_WEB_PID}) to
 * serve HTTPS with this server's key store and trust store, and to close plain HTTP. The key store
 * is the one this server signs with, so the certificate a client sees names the mail domain.
 * Only the TLS properties are written; ports and addresses an administrator set stay. Pax Web
 * restarts its connectors when they change, which happens on a first start and when these
 * settings change, not on every start. Its settings are the {@code tls.*} and {@code http.enabled}
 * properties of {@value KeyStoreMessageSigner#PID}.
 */
@Component(immediate = true, configurationPid = KeyStoreMessageSigner.PID)
public class HttpsConnector {
    static final String PAX_WEB_PID = "org.ops4j.pax.web";

    private static final Logger LOG = LoggerFactory.getLogger(HttpsConnector.class);

    private final ConfigurationAdmin configurationAdmin;

    /** @param credentials present only so that the key store exists (demo credentials are made first) */
    @Activate
    public HttpsConnector(KeyStoreMessageSigner.Config config, @Reference TlsCredentials credentials, @Reference ConfigurationAdmin configurationAdmin)
            throws IOException {
        this.configurationAdmin = configurationAdmin;
        apply(config);
    }

    @Modified
    void modified(KeyStoreMessageSigner.Config config) throws IOException {
        apply(config);
    }

    private void apply(KeyStoreMessageSigner.Config config) throws IOException {
        if (config.tls_enabled() && (config.keystore_password().isEmpty() || config.truststore_password().isEmpty())) {
            LOG.info("HTTPS waits for the key store passwords in etc/{}.cfg", KeyStoreMessageSigner.PID);
            return;
        }
        Map<String, String> wanted = paxWebProperties(config, Path.of(System.getProperty("karaf.etc", ".")));
        Configuration paxWeb = configurationAdmin.getConfiguration(PAX_WEB_PID, null);
        Dictionary<String, Object> current = paxWeb.getProperties();
        Dictionary<String, Object> next = current == null ? new Hashtable<>() : current;
        boolean changed = false;
        for (Map.Entry<String, String> property : wanted.entrySet()) {
            Object now = next.get(property.getKey());
            if (!Objects.equals(now == null ? null : String.valueOf(now), property.getValue())) {
                next.put(property.getKey(), property.getValue());
                changed = true;
            }
        }
        if (changed) {
            paxWeb.update(next);
            if (config.tls_enabled()) {
                LOG.info("Serving HTTPS on port {} (client certificates: {}), plain HTTP {}", config.tls_port(),
                        config.tls_client_auth(), config.http_enabled() ? "still open" : "closed");
            } else {
                LOG.warn("TLS is off: the SOAP endpoints, passwords included, travel in plain HTTP");
            }
        }
    }

    /** The Pax Web properties for these settings, with store paths made absolute against {@code etc}. */
    static Map<String, String> paxWebProperties(KeyStoreMessageSigner.Config config, Path etc) {
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
        properties.put("org.ops4j.pax.web.ssl.keystore", etc.resolve(config.keystore()).toAbsolutePath().toString());
        properties.put("org.ops4j.pax.web.ssl.keystore.type", "PKCS12");
        properties.put("org.ops4j.pax.web.ssl.keystore.password", config.keystore_password());
        properties.put("org.ops4j.pax.web.ssl.key.password", config.keystore_password());
        properties.put("org.ops4j.pax.web.ssl.key.alias", config.key_alias());
        properties.put("org.ops4j.pax.web.ssl.truststore", etc.resolve(config.truststore()).toAbsolutePath().toString());
        properties.put("org.ops4j.pax.web.ssl.truststore.type", "PKCS12");
        properties.put("org.ops4j.pax.web.ssl.truststore.password", config.truststore_password());
        properties.put("org.ops4j.pax.web.ssl.clientauth.wanted", String.valueOf("want".equals(config.tls_client_auth())));
        properties.put("org.ops4j.pax.web.ssl.clientauth.needed", String.valueOf("need".equals(config.tls_client_auth())));
        properties.put("org.ops4j.pax.web.ssl.protocols.included", "TLSv1.3,TLSv1.2");
        return properties;
    }
}
