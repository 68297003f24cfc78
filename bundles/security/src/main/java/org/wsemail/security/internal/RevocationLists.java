package org.wsemail.security.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsemail.api.server.DomainResolver;
import org.wsemail.api.server.DomainResolver.ServerEndpoint;
import org.wsemail.wire.security.DomainTls;

/**
 * The revocation lists of the trusted roots. This domain's own authority's list is its file
 * ({@code etc/wsemail-ca.crl}); an administrator may place lists of other authorities in {@code
 * etc/wsemail-crls/} (for a domain whose servers cannot be reached to fetch it); another domain's
 * authority publishes its list at
 * {@code https://<its server>/wsemail-ca.crl} ({@link CrlServlet}), found by the domain's SRV
 * records, fetched over TLS that checks the server's certificate names the domain. A list is used
 * only if the root signed it and it is current (its next update is still ahead); it is fetched again
 * after {@code crl.refresh.seconds} or when it runs out. With {@code revocation.check = require}
 * (the default) a chain whose root's list cannot be had is refused; {@code off} checks nothing.
 */
@Component(service = Revocation.class, configurationPid = SecuritySettings.PID)
public class RevocationLists implements Revocation {
    /** The folder below etc of revocation lists an administrator placed. */
    static final String PLACED = "wsemail-crls";
    /** The path at which a server publishes its authority's revocation list. */
    static final String PUBLISHED_AT = "/wsemail-ca.crl";

    private static final Logger LOG = LoggerFactory.getLogger(RevocationLists.class);
    private static final int FETCH_TIMEOUT_MS = 10_000;

    @ObjectClassDefinition(name = "WSEmail revocation checking")
    public @interface Config {
        @AttributeDefinition(name = "Revocation checking", options = {
            @Option(value = "require", label = "require: refuse a certificate whose authority's current revocation list cannot be had"),
            @Option(value = "off", label = "off: no revocation checking, for closed test networks")})
        String revocation_check() default "require";

        @AttributeDefinition(name = "Fetch a revocation list again after (s)")
        long crl_refresh_seconds() default 3600;
    }

    /** A list and when to fetch it again. */
    private record Held(X509CRL crl, Instant refreshAt) {
    }

    private volatile boolean required;
    private volatile Duration refresh;
    private final Path ownList;
    /** Lists an administrator placed, by file name. */
    private final Path placedLists;
    private final DomainResolver resolver;
    private final Clock clock;
    private final Map<X509Certificate, Held> held = new ConcurrentHashMap<>();

    @Activate
    public RevocationLists(Config config, @Reference DomainResolver resolver) {
        this(config, Path.of(System.getProperty("karaf.etc", ".")), resolver, Clock.systemUTC());
    }

    /** @param etc where the own list and the placed lists are */
    RevocationLists(Config config, Path etc, DomainResolver resolver, Clock clock) {
        this.ownList = etc.resolve(FileCertificateAuthority.CRL);
        this.placedLists = etc.resolve(PLACED);
        this.resolver = resolver;
        this.clock = clock;
        modified(config);
    }

    /**
     * Takes changed settings without going away: the security settings change whenever the domain's
     * authority is created (its password is recorded there), and the trusted roots, the authority and
     * the endpoints that depend on this service must not blink meanwhile.
     */
    @Modified
    void modified(Config config) {
        if (!"require".equals(config.revocation_check()) && !"off".equals(config.revocation_check())) {
            throw new IllegalArgumentException("revocation.check must be require or off, not '" + config.revocation_check() + "'");
        }
        this.refresh = Duration.ofSeconds(config.crl_refresh_seconds());
        boolean require = "require".equals(config.revocation_check());
        if (!require) {
            LOG.warn("Revocation checking is off: revoked server certificates of other domains are accepted");
        }
        this.required = require;
    }

    @Override
    public List<X509CRL> configure(PKIXParameters parameters, List<X509Certificate> roots, List<X509Certificate> domainRoots, String domain)
            throws CertificateException {
        if (!required) {
            parameters.setRevocationEnabled(false);
            return List.of();
        }
        List<X509CRL> lists = new ArrayList<>();
        for (X509Certificate root : roots) {
            lists.add(list(root, domainRoots, domain));
        }
        try {
            parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(lists)));
        } catch (GeneralSecurityException e) {
            throw new CertificateException(e);
        }
        parameters.setRevocationEnabled(true);
        return lists;
    }

    /** The root's current list: held, or read or fetched now. */
    private X509CRL list(X509Certificate root, List<X509Certificate> domainRoots, String domain) throws CertificateException {
        Instant now = clock.instant();
        Held current = held.get(root);
        if (current != null && now.isBefore(current.refreshAt())) {
            return current.crl();
        }
        List<String> failures = new ArrayList<>();
        X509CRL fresh = null;
        for (Path file : localLists()) {
            fresh = accept(read(file), root, now, failures);
            if (fresh != null) {
                break;
            }
        }
        if (fresh == null) {
            fresh = fetch(root, domainRoots, domain, now, failures);
        }
        if (fresh == null) {
            if (current != null && now.isBefore(current.crl().getNextUpdate().toInstant())) {
                LOG.warn("Keeping the revocation list of {} until its next update: {}", subject(root), failures);
                return current.crl();
            }
            throw new CertificateException("cannot check revocation: no current revocation list of "
                    + subject(root) + " (" + String.join("; ", failures) + ")");
        }
        Instant nextUpdate = fresh.getNextUpdate().toInstant();
        held.put(root, new Held(fresh, now.plus(refresh).isBefore(nextUpdate) ? now.plus(refresh) : nextUpdate));
        return fresh;
    }

    /** The own authority's list and the lists an administrator placed, those that exist. */
    private List<Path> localLists() {
        List<Path> files = new ArrayList<>();
        if (Files.exists(ownList)) {
            files.add(ownList);
        }
        if (Files.isDirectory(placedLists)) {
            try (var placed = Files.list(placedLists)) {
                placed.filter(file -> file.toString().endsWith(".crl")).sorted().forEach(files::add);
            } catch (IOException e) {
                LOG.warn("Cannot list {}: {}", placedLists, e.getMessage());
            }
        }
        return files;
    }

    private static X509CRL read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(in);
        } catch (IOException | GeneralSecurityException | ClassCastException e) {
            LOG.warn("Cannot read the revocation list {}: {}", file, e.getMessage());
            return null;
        }
    }

    /** The list, if the root signed it and it is current; else null, with the reason added to {@code failures}. */
    static X509CRL accept(X509CRL crl, X509Certificate root, Instant now, List<String> failures) {
        if (crl == null || !crl.getIssuerX500Principal().equals(root.getSubjectX500Principal())) {
            return null;
        }
        try {
            crl.verify(root.getPublicKey());
        } catch (GeneralSecurityException e) {
            failures.add("the list of " + subject(root) + " is not signed by it");
            return null;
        }
        if (crl.getNextUpdate() == null || !now.isBefore(crl.getNextUpdate().toInstant())) {
            failures.add("the list of " + subject(root) + " is out of date (next update " + crl.getNextUpdate() + ")");
            return null;
        }
        return crl;
    }

    /**
     * Fetches the list from the servers of the domain, in SRV order, over TLS checked for the domain:
     * its certificate names the domain and leads to a root trusted for it (not checked for revocation
     * itself, which would need this very list; the list is checked by its signature).
     */
    private X509CRL fetch(X509Certificate root, List<X509Certificate> domainRoots, String domain, Instant now, List<String> failures) {
        List<ServerEndpoint> servers;
        try {
            servers = resolver.resolve(domain);
        } catch (RuntimeException e) {
            failures.add("cannot find the servers of " + domain + ": " + e.getMessage());
            return null;
        }
        if (servers.isEmpty()) {
            failures.add(domain + " publishes no server to fetch it from");
        }
        for (ServerEndpoint server : servers) {
            String url = "https://" + server.connectHost() + ":" + server.port() + PUBLISHED_AT;
            try {
                SSLContext tls = SSLContext.getInstance("TLS");
                Set<TrustAnchor> anchors = new java.util.HashSet<>();
                for (X509Certificate trusted : domainRoots.isEmpty() ? List.of(root) : domainRoots) {
                    anchors.add(new TrustAnchor(trusted, null));
                }
                tls.init(null, DomainTls.serving(domain, DomainTls.trustManagers(anchors)), null);
                HttpsURLConnection connection = (HttpsURLConnection) new URL(url).openConnection();
                connection.setSSLSocketFactory(tls.getSocketFactory());
                connection.setHostnameVerifier(DomainTls.domainCheckedByTrustManager());
                connection.setConnectTimeout(FETCH_TIMEOUT_MS);
                connection.setReadTimeout(FETCH_TIMEOUT_MS);
                try (InputStream in = connection.getInputStream()) {
                    X509CRL crl = accept((X509CRL) CertificateFactory.getInstance("X.509").generateCRL(in), root, now, failures);
                    if (crl != null) {
                        LOG.info("Fetched the revocation list of {} from {}: {} revoked, next update {}", subject(root), url,
                                crl.getRevokedCertificates() == null ? 0 : crl.getRevokedCertificates().size(), crl.getNextUpdate());
                        return crl;
                    }
                }
            } catch (IOException | GeneralSecurityException | ClassCastException e) {
                failures.add(url + ": " + e.getMessage());
            }
        }
        return null;
    }

    private static String subject(X509Certificate root) {
        return root.getSubjectX500Principal().getName();
    }
}
