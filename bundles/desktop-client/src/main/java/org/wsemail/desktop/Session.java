package org.wsemail.desktop;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;

import org.wsemail.api.Address;
import org.wsemail.client.WsemailClient;
import org.wsemail.client.WsemailException;

/**
 * What the user logs in with, kept as the command line keeps it ({@code ~/.wsemail/client.properties}:
 * {@code server}, {@code user}, {@code certificate}, {@code trust}); never the password.
 *
 * @param certificate the PKCS#12 file to log in with instead of a password, or null
 */
record Session(String server, String user, String certificate, String trust) {

    static Path defaultFile() {
        return Path.of(System.getProperty("user.home"), ".wsemail", "client.properties");
    }

    /** The settings saved in {@code file}, or empty ones. */
    static Session load(Path file) {
        Properties saved = new Properties();
        if (Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                saved.load(in);
            } catch (IOException e) {
                // unreadable settings: start from empty fields, the user types them
            }
        }
        return new Session(saved.getProperty("server", "https://localhost:8443/wsemail"), saved.getProperty("user", ""),
                saved.getProperty("certificate", ""), saved.getProperty("trust", ""));
    }

    /** Saves these settings (not the password), keeping any other keys of the file. */
    void save(Path file) throws IOException {
        Properties saved = new Properties();
        if (Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                saved.load(in);
            }
        }
        saved.setProperty("server", server);
        saved.setProperty("trust", trust);
        if (certificate.isBlank()) {
            saved.remove("certificate");
            saved.setProperty("user", user);
        } else {
            saved.setProperty("certificate", certificate);
        }
        Files.createDirectories(file.getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
            saved.store(out, "WSEmail client settings (bin/wsemail and bin/wsemail-gui)");
        }
    }

    /**
     * A client logged in as these settings say, with {@code password} (the certificate file's when
     * logging in with a certificate).
     *
     * @throws WsemailException with a message for people when a setting is wrong
     */
    WsemailClient connect(char[] password) throws WsemailException {
        URI uri;
        try {
            uri = URI.create(server.trim());
        } catch (IllegalArgumentException e) {
            throw new WsemailException("BadSettings", "the server address is not a URL: " + server, e);
        }
        if (!"https".equalsIgnoreCase(uri.getScheme())) {
            throw new WsemailException("BadSettings", "the server address must start with https://, so that your password and"
                    + " mail are not sent in clear", null);
        }
        Set<TrustAnchor> roots = roots();
        if (!certificate.isBlank()) {
            return WsemailClient.withCertificate(uri, Path.of(certificate.trim()), password, roots);
        }
        Address address;
        try {
            address = Address.parse(user.trim());
        } catch (IllegalArgumentException e) {
            throw new WsemailException("BadSettings", "your address is not a mail address: " + user, e);
        }
        return new WsemailClient(uri, address, password, roots);
    }

    /** The roots the trust setting names: the server's certificate, its signatures and client plug-ins' signers must lead to one. */
    Set<TrustAnchor> roots() throws WsemailException {
        if ("system".equals(trust.trim())) {
            return WsemailClient.systemRoots();
        }
        if (trust.isBlank() || !Files.isRegularFile(Path.of(trust.trim()))) {
            throw new WsemailException("BadSettings", "choose the file with your server's root certificate (its"
                    + " etc/wsemail-ca.pem), or type system for the public roots", null);
        }
        try (InputStream in = Files.newInputStream(Path.of(trust.trim()))) {
            Set<TrustAnchor> anchors = new HashSet<>();
            for (Certificate root : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                anchors.add(new TrustAnchor((X509Certificate) root, null));
            }
            if (anchors.isEmpty()) {
                throw new WsemailException("BadSettings", "there is no certificate in " + trust, null);
            }
            return anchors;
        } catch (IOException | GeneralSecurityException e) {
            throw new WsemailException("BadSettings", "cannot read the root certificates in " + trust + ": " + e.getMessage(), e);
        }
    }
}
