package org.wsemail.security.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXCertPathValidatorResult;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsemail.api.server.MailDomain;
import org.wsemail.api.server.TrustedRoots;
import org.wsemail.security.Pki;
import org.wsemail.wire.security.DomainTls;
import org.wsemail.wire.security.PassedChains;

/**
 * The roots this server trusts, kept in the trust store of {@link CredentialStores}, each bound to
 * the domains it may certify. The bindings are kept beside the trust store, in {@value #BINDINGS}
 * (a root's SHA-256 fingerprint: its domains); a root without a recorded binding is bound to the
 * domains its name constraints permit, and the root of this server's own certificate to this
 * server's domain. A root bound to nothing is trusted for nothing, and the log says so.
 *
 * <p>{@link #roots()} returns the same list until the roots change, so that readers can keep what
 * they derive from it until then. A chain is checked with PKIX against the roots bound to the domain,
 * each with its name constraints, and with the server's revocation lists ({@link Revocation}).
 */
@Component(service = TrustedRoots.class)
public class KeyStoreTrustedRoots implements TrustedRoots {
    static final String BINDINGS = "wsemail-trust-domains.properties";

    private static final Logger LOG = LoggerFactory.getLogger(KeyStoreTrustedRoots.class);

    /** How often the files are looked at for changes made elsewhere. */
    private static final long LOOK_INTERVAL_NANOS = 1_000_000_000L;

    /** Where added roots are kept; null when the roots were given directly (tests). */
    private final CredentialStores stores;
    private final String domain;
    private final Revocation revocation;
    private volatile Trust trust;
    /** The files' stamp when last read; guarded by this. */
    private List<Object> stamp;
    private volatile long lookedAt = System.nanoTime();

    /** A snapshot: the roots, and the domains each may certify. */
    private record Trust(List<X509Certificate> roots, Map<X509Certificate, Set<String>> domains) {
    }

    /**
     * Chains that passed {@link #check}, with what they were checked against: the roots bound to the
     * domain and the revocation lists. A server's certificate signs every message it relays, so the
     * same chain would be validated again and again; while the roots and lists are equal, only its
     * dates are checked again. At most {@value #REMEMBERED} chains.
     */
    private final PassedChains<Checked> passed = new PassedChains<>(REMEMBERED);
    private static final int REMEMBERED = 1_000;

    private record Checked(List<X509Certificate> chain, String domain) {
    }

    @Activate
    public KeyStoreTrustedRoots(@Reference CredentialStores stores, @Reference MailDomain domain,
            @Reference Revocation revocation) throws IOException, GeneralSecurityException {
        this.stores = stores;
        this.domain = domain.name();
        this.revocation = revocation;
        this.stamp = stamp();
        this.trust = load();
        LOG.info("Trusting {} roots: {}", trust.roots().size(), describe(trust));
    }

    /** The roots in the trust store, each with the domains it may certify. */
    private Trust load() throws IOException, GeneralSecurityException {
        KeyStore store = stores.loadTrustStore();
        List<X509Certificate> loaded = new ArrayList<>();
        for (String alias : Collections.list(store.aliases())) {
            if (store.isCertificateEntry(alias)) {
                loaded.add((X509Certificate) store.getCertificate(alias));
            }
        }
        if (loaded.isEmpty()) {
            throw new GeneralSecurityException("the trust store " + stores.truststore() + " holds no root certificates");
        }
        Properties recorded = readBindings(bindingsFile());
        X509Certificate ownRoot = stores.chain().get(stores.chain().size() - 1);
        Map<X509Certificate, Set<String>> domains = new LinkedHashMap<>();
        for (X509Certificate root : loaded) {
            Set<String> bound = new TreeSet<>();
            String stored = recorded.getProperty(fingerprint(root));
            if (stored != null) {
                bound.addAll(split(stored));
            } else {
                bound.addAll(Pki.permittedDomains(root));
            }
            if (root.equals(ownRoot) || isIssuerOf(root, stores.chain())) {
                bound.add(domain);
            }
            if (bound.isEmpty()) {
                LOG.warn("The trusted root {} is bound to no domain and vouches for none: bind it with"
                        + " wsemail:trust-add --domains <domains> <its PEM file>", root.getSubjectX500Principal().getName());
            }
            domains.put(root, Set.copyOf(bound));
        }
        return new Trust(List.copyOf(loaded), Map.copyOf(domains));
    }

    /**
     * The roots as the files hold them now: read again when the trust store or the bindings changed
     * on disk (another node of the domain added a root, {@code SharedFiles}), looked at once a second
     * at most. A trust store that cannot be read leaves the roots as they were, and the log says why.
     */
    private Trust current() {
        if (stores == null || System.nanoTime() - lookedAt < LOOK_INTERVAL_NANOS) {
            return trust;
        }
        synchronized (this) {
            lookedAt = System.nanoTime();
            List<Object> now = stamp();
            if (!now.equals(stamp)) {
                try {
                    trust = load();
                    stamp = now;
                    LOG.info("The trusted roots changed on disk; now trusting {} roots: {}", trust.roots().size(), describe(trust));
                } catch (IOException | GeneralSecurityException | RuntimeException e) {
                    LOG.error("The trusted roots changed on disk but cannot be read ({}); keeping the roots as they were",
                            e.getMessage());
                }
            }
        }
        return trust;
    }

    /** What tells that the trust store or the bindings changed: their sizes and modification times. */
    private List<Object> stamp() {
        List<Object> stamp = new ArrayList<>();
        for (Path file : new Path[] {stores.truststore().toAbsolutePath(), bindingsFile()}) {
            try {
                stamp.add(Files.getLastModifiedTime(file));
                stamp.add(Files.size(file));
            } catch (IOException absent) {
                stamp.add("none");
            }
        }
        return stamp;
    }

    /** For tests: roots given directly, with their domains, kept in memory only, no revocation lists. */
    KeyStoreTrustedRoots(Map<X509Certificate, Set<String>> roots) {
        this(roots, Revocation.NONE);
    }

    /** For tests: roots given directly, with their domains, kept in memory only. */
    KeyStoreTrustedRoots(Map<X509Certificate, Set<String>> roots, Revocation revocation) {
        this.stores = null;
        this.domain = null;
        this.revocation = revocation;
        this.trust = new Trust(List.copyOf(roots.keySet()), Map.copyOf(roots));
    }

    @Override
    public List<X509Certificate> roots() {
        return current().roots();
    }

    @Override
    public Set<String> domains(X509Certificate root) {
        return current().domains().getOrDefault(root, Set.of());
    }

    @Override
    public List<X509Certificate> rootsFor(String domain) {
        String lower = domain.toLowerCase(Locale.ROOT);
        Trust current = current();
        return current.roots().stream().filter(root -> current.domains().get(root).contains(lower)).toList();
    }

    @Override
    public synchronized boolean add(X509Certificate root, Set<String> domains) {
        if (root.getBasicConstraints() < 0) {
            throw new IllegalArgumentException("not a CA certificate: " + root.getSubjectX500Principal().getName());
        }
        try {
            root.checkValidity();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the certificate is not valid now: " + e.getMessage(), e);
        }
        Set<String> wanted = new TreeSet<>();
        for (String domain : domains) {
            wanted.add(domain.trim().toLowerCase(Locale.ROOT));
        }
        if (wanted.isEmpty()) {
            throw new IllegalArgumentException("say which domains the root may certify");
        }
        Set<String> permitted = Pki.permittedDomains(root);
        if (!permitted.isEmpty() && !permitted.containsAll(wanted)) {
            throw new IllegalArgumentException("the root's name constraints permit only " + permitted + ", not " + wanted);
        }
        Trust current = current();
        Set<String> before = current.domains().getOrDefault(root, Set.of());
        if (before.containsAll(wanted)) {
            return false;
        }
        Set<String> after = new TreeSet<>(before);
        after.addAll(wanted);
        if (stores != null) {
            try {
                if (!current.roots().contains(root)) {
                    KeyStore store = stores.loadTrustStore();
                    store.setCertificateEntry(root.getSubjectX500Principal().getName(), root);
                    stores.storeTrustStore(store);
                }
                Properties recorded = readBindings(bindingsFile());
                recorded.setProperty(fingerprint(root), String.join(",", after));
                writeBindings(bindingsFile(), recorded);
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalStateException("cannot add the root to " + stores.truststore() + ": " + e.getMessage(), e);
            }
        }
        List<X509Certificate> roots = new ArrayList<>(current.roots());
        if (!roots.contains(root)) {
            roots.add(root);
        }
        Map<X509Certificate, Set<String>> bindings = new LinkedHashMap<>(current.domains());
        bindings.put(root, Set.copyOf(after));
        trust = new Trust(List.copyOf(roots), Map.copyOf(bindings));
        if (stores != null) {
            stamp = stamp();
        }
        LOG.info("Now trusting root {} for {}", root.getSubjectX500Principal().getName(), after);
        return true;
    }

    @Override
    public void check(List<X509Certificate> chain, String domain) throws CertificateException {
        if (chain.isEmpty()) {
            throw new CertificateException("no certificate");
        }
        List<X509Certificate> bound = rootsFor(domain);
        if (bound.isEmpty()) {
            throw new CertificateException("no trusted root may certify " + domain);
        }
        String subject = chain.get(0).getSubjectX500Principal().getName();
        List<X509Certificate> path = withoutRoots(chain, bound);
        X509Certificate root;
        Object against;
        Checked checked = new Checked(List.copyOf(chain), domain);
        try {
            Set<TrustAnchor> anchors = new java.util.HashSet<>();
            for (X509Certificate candidate : bound) {
                anchors.add(new TrustAnchor(candidate, null));
            }
            PKIXParameters parameters = new PKIXParameters(anchors);
            // Only the lists of the roots this chain can lead to: another root's missing list is no reason to refuse it.
            List<X509Certificate> issuers = bound.stream().filter(r -> isIssuerOf(r, path)).toList();
            List<X509CRL> revocations = revocation.configure(parameters, issuers.isEmpty() ? bound : issuers, bound, domain);
            against = List.of(bound, revocations);
            if (passed.passedBefore(checked, against)) {
                return;
            }
            PKIXCertPathValidatorResult result = (PKIXCertPathValidatorResult) CertPathValidator.getInstance("PKIX")
                    .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
            root = result.getTrustAnchor().getTrustedCert();
        } catch (GeneralSecurityException e) {
            passed.failed(checked);
            throw new CertificateException("the certificate of " + subject + " is not trusted for " + domain + ": "
                    + e.getMessage(), e);
        }
        withinNameConstraints(path, root, subject, domain);
        passed.passed(checked, against, path);
    }

    /**
     * The root's name constraints hold for every certificate below it: Java's PKIX does not apply
     * those of a trust anchor, so they are applied here (dNSName and rfc822Name subtrees).
     */
    private static void withinNameConstraints(List<X509Certificate> path, X509Certificate root, String subject, String domain)
            throws CertificateException {
        Set<String> permitted = Pki.permittedDomains(root);
        if (permitted.isEmpty()) {
            return;
        }
        for (X509Certificate certificate : path) {
            Set<String> names = new TreeSet<>(DomainTls.dnsNames(certificate));
            for (String address : DomainTls.mailAddresses(certificate)) {
                names.add(address.substring(address.lastIndexOf('@') + 1));
            }
            for (String name : names) {
                boolean within = permitted.stream().anyMatch(allowed -> name.equals(allowed) || name.endsWith("." + allowed));
                if (!within) {
                    throw new CertificateException("the certificate of " + subject + " is not trusted for " + domain + ": "
                            + name + " lies outside the name constraints of " + root.getSubjectX500Principal().getName()
                            + " (" + permitted + ")");
                }
            }
        }
    }

    /** The chain without the roots themselves, which PKIX takes as anchors, not as part of the path. */
    private static List<X509Certificate> withoutRoots(List<X509Certificate> chain, List<X509Certificate> roots) {
        List<X509Certificate> path = new ArrayList<>(chain);
        while (path.size() > 1 && roots.contains(path.get(path.size() - 1))) {
            path.remove(path.size() - 1);
        }
        return path;
    }

    private static boolean isIssuerOf(X509Certificate root, List<X509Certificate> chain) {
        try {
            chain.get(chain.size() - 1).verify(root.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private Path bindingsFile() {
        return stores == null ? null : stores.truststore().toAbsolutePath().getParent().resolve(BINDINGS);
    }

    private static Properties readBindings(Path file) throws IOException {
        Properties bindings = new Properties();
        if (file != null && Files.exists(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                bindings.load(in);
            }
        }
        return bindings;
    }

    private static void writeBindings(Path file, Properties bindings) throws IOException {
        Path temporary = Files.createTempFile(file.getParent(), "trust-domains", ".tmp");
        try (OutputStream out = Files.newOutputStream(temporary)) {
            bindings.store(out, "The mail domains each trusted root (by SHA-256 fingerprint) may certify; wsemail:trust-add writes it");
        }
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static String fingerprint(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Set<String> split(String domains) {
        Set<String> set = new TreeSet<>();
        for (String domain : domains.split(",")) {
            if (!domain.isBlank()) {
                set.add(domain.trim().toLowerCase(Locale.ROOT));
            }
        }
        return set;
    }

    private static String describe(Trust trust) {
        List<String> roots = new ArrayList<>();
        trust.roots().forEach(root -> roots.add(root.getSubjectX500Principal().getName() + " for " + trust.domains().get(root)));
        return String.join("; ", roots);
    }
}
