package org.wsemail.formsclient;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSigner;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;

import org.wsemail.forms.PluginCoordinates;
import org.wsemail.wire.security.DomainTls;

/**
 * Fetches a client plug-in the way the form names it and checks it before anything runs it: over
 * HTTPS from a server whose certificate names the signing domain, at most {@value #MAX_BYTES}
 * bytes, its SHA-256 as the form states, every entry of the jar signed (the JDK's jar verification)
 * by a certificate that leads to one of the user's trusted roots and names the signing domain, and
 * its manifest the bundle and version the form names.
 */
final class PluginDownload {
    static final int MAX_BYTES = 16 * 1024 * 1024;

    /** The plug-in was refused; the message says why, in words the user acts on. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    private final Set<TrustAnchor> roots;

    PluginDownload(Set<TrustAnchor> roots) {
        this.roots = Set.copyOf(roots);
    }

    /** Downloads the plug-in to {@code target} and checks it; on refusal nothing is left there. */
    void fetch(PluginCoordinates plugin, Path target) throws Refused, IOException {
        Path part = target.resolveSibling(target.getFileName() + ".part");
        try {
            download(plugin, part);
            check(plugin, part);
            Files.move(part, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(part);
        }
    }

    private void download(PluginCoordinates plugin, Path file) throws IOException, Refused {
        HttpsURLConnection connection;
        try {
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, DomainTls.serving(plugin.signer(), DomainTls.trustManagers(roots)), null);
            URL url = plugin.location().toURL();
            connection = (HttpsURLConnection) url.openConnection();
            connection.setSSLSocketFactory(tls.getSocketFactory());
            connection.setHostnameVerifier(DomainTls.domainCheckedByTrustManager());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        connection.setConnectTimeout(10_000);
        connection.setReadTimeout(30_000);
        try {
            int status = connection.getResponseCode();
            if (status != 200) {
                throw new Refused("the plug-in is not at " + plugin.location() + " (HTTP " + status + ")");
            }
        } catch (javax.net.ssl.SSLException e) {
            throw new Refused("the server at " + plugin.location() + " is not " + plugin.signer() + "'s: " + e.getMessage());
        }
        try (InputStream in = connection.getInputStream(); OutputStream out = Files.newOutputStream(file)) {
            byte[] buffer = new byte[65536];
            long total = 0;
            for (int read; (read = in.read(buffer)) > 0;) {
                total += read;
                if (total > MAX_BYTES) {
                    throw new Refused("the plug-in at " + plugin.location() + " is larger than " + MAX_BYTES / 1024 / 1024 + " MiB");
                }
                out.write(buffer, 0, read);
            }
        }
    }

    void check(PluginCoordinates plugin, Path file) throws Refused, IOException {
        String sha256 = PluginCoordinates.sha256Of(file);
        if (!sha256.equals(plugin.sha256())) {
            throw new Refused("the plug-in downloaded from " + plugin.location() + " is not the one the form names: its SHA-256 is "
                    + sha256 + ", the form says " + plugin.sha256() + " (altered, or replaced on the server)");
        }
        List<List<X509Certificate>> signers = new ArrayList<>();
        try (JarFile jar = new JarFile(file.toFile(), true)) {
            if (jar.getManifest() == null) {
                throw new Refused("the plug-in is not an OSGi bundle: it has no manifest");
            }
            Attributes main = jar.getManifest().getMainAttributes();
            String name = String.valueOf(main.getValue("Bundle-SymbolicName")).split(";")[0].trim();
            String version = String.valueOf(main.getValue("Bundle-Version")).trim();
            if (!name.equals(plugin.symbolicName()) || !version.equals(plugin.version())) {
                throw new Refused("the jar is " + name + " " + version + ", not " + plugin.symbolicName() + " " + plugin.version());
            }
            int signed = 0;
            for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements();) {
                JarEntry entry = entries.nextElement();
                if (entry.isDirectory()) {
                    continue;
                }
                try (InputStream in = jar.getInputStream(entry)) {
                    in.transferTo(OutputStream.nullOutputStream());
                } catch (SecurityException e) {
                    throw new Refused("the plug-in was altered after it was signed: " + entry.getName() + " " + e.getMessage());
                }
                if (signatureFile(entry.getName())) {
                    continue;
                }
                CodeSigner[] codeSigners = entry.getCodeSigners();
                if (codeSigners == null || codeSigners.length == 0) {
                    throw new Refused("the plug-in is not signed" + (signed > 0 ? " throughout: " + entry.getName() + " is not" : "")
                            + "; only plug-ins signed by a domain you trust are installed");
                }
                signed++;
                if (signers.isEmpty()) {
                    for (CodeSigner signer : codeSigners) {
                        List<X509Certificate> chain = new ArrayList<>();
                        signer.getSignerCertPath().getCertificates().forEach(c -> chain.add((X509Certificate) c));
                        signers.add(chain);
                    }
                }
            }
            if (signed == 0) {
                throw new Refused("the plug-in is not signed; only plug-ins signed by a domain you trust are installed");
            }
        }
        trustedSigner(plugin, signers);
    }

    /** One of the jar's signers leads to a trusted root and names the signing domain. */
    private void trustedSigner(PluginCoordinates plugin, List<List<X509Certificate>> signers) throws Refused {
        String why = "it carries no signer certificate";
        for (List<X509Certificate> chain : signers) {
            if (!DomainTls.dnsNames(chain.get(0)).contains(plugin.signer())) {
                why = "it was signed by " + chain.get(0).getSubjectX500Principal().getName() + ", not by " + plugin.signer();
                continue;
            }
            try {
                PKIXParameters parameters = new PKIXParameters(roots);
                parameters.setRevocationEnabled(false);
                CertPathValidator.getInstance("PKIX").validate(
                        java.security.cert.CertificateFactory.getInstance("X.509").generateCertPath(chain), parameters);
                return;
            } catch (GeneralSecurityException e) {
                why = "its signer's certificate does not lead to a root you trust: " + e.getMessage();
            }
        }
        throw new Refused("the plug-in is wrongly signed: " + why);
    }

    private static boolean signatureFile(String name) {
        String upper = name.toUpperCase(java.util.Locale.ROOT);
        return upper.equals("META-INF/MANIFEST.MF") || (upper.startsWith("META-INF/") && upper.indexOf('/', 9) < 0
                && (upper.endsWith(".SF") || upper.endsWith(".RSA") || upper.endsWith(".EC") || upper.endsWith(".DSA")));
    }
}
