package org.wsemail.security.internal;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsemail.api.Address;
import org.wsemail.api.server.CertificateAuthority;
import org.wsemail.api.server.MailDomain;
import org.wsemail.api.server.TrustedRoots;
import org.wsemail.security.Pki;
import org.wsemail.wire.security.DomainTls;

/**
 * The domain's certificate authority, kept in files under the server's etc directory:
 * {@code wsemail-ca.p12} (its key, password {@code ca.password} of {@value SecuritySettings#PID}),
 * {@code wsemail-ca.pem} (its certificate, for clients and other domains), {@code wsemail-issued/}
 * (one PEM per certificate issued, named by serial) and {@code wsemail-ca.crl} (the revocation list,
 * DER, re-signed on every revocation). Operations are serialized; reads see the files as they are.
 */
@Component(service = CertificateAuthority.class, configurationPid = SecuritySettings.PID)
public class FileCertificateAuthority implements CertificateAuthority {
    static final String CA_KEYSTORE = "wsemail-ca.p12";
    /** The authority's certificate, for clients and other domains to trust. */
    static final String CA_PEM = "wsemail-ca.pem";
    static final String ISSUED = "wsemail-issued";
    static final String CRL = "wsemail-ca.crl";
    private static final String ALIAS = "ca";
    private static final Duration CRL_VALIDITY = Duration.ofDays(30);
    /** A revocation list is signed anew once less than this is left of it. */
    static final Duration RENEW_BEFORE = Duration.ofDays(15);

    private static final Logger LOG = LoggerFactory.getLogger(FileCertificateAuthority.class);

    private final Path etc;
    private final MailDomain domain;
    private final TrustedRoots roots;
    private final ConfigurationAdmin configurationAdmin;
    private volatile char[] password;

    @ObjectClassDefinition(name = "WSEmail certificate authority")
    public @interface Config {
        @AttributeDefinition(name = "Certificate authority password", description = "Of wsemail-ca.p12, the domain CA's key store",
                type = AttributeType.PASSWORD)
        String ca_password() default "";
    }

    @Activate
    public FileCertificateAuthority(Config config, @Reference MailDomain domain,
            @Reference TrustedRoots roots, @Reference ConfigurationAdmin configurationAdmin) {
        this(Path.of(System.getProperty("karaf.etc", ".")), config.ca_password().toCharArray(), domain, roots, configurationAdmin);
    }

    FileCertificateAuthority(Path etc, char[] password, MailDomain domain, TrustedRoots roots, ConfigurationAdmin configurationAdmin) {
        this.etc = etc;
        this.password = password;
        this.domain = domain;
        this.roots = roots;
        this.configurationAdmin = configurationAdmin;
    }

    @Modified
    void modified(Config config) {
        this.password = config.ca_password().toCharArray();
    }

    @Override
    public boolean exists() {
        return Files.exists(etc.resolve(CA_KEYSTORE));
    }

    @Override
    public synchronized X509Certificate create(Duration validity) {
        if (exists()) {
            throw new IllegalStateException("this domain has a certificate authority already: " + etc.resolve(CA_KEYSTORE));
        }
        Pki.CertifiedKey authority = Pki.createAuthority("WSEmail CA for " + domain.name(), validity, domain.name());
        // A password set beforehand is kept: the nodes of a domain are all given the same one.
        boolean chosen = password != null && password.length > 0;
        char[] secret = chosen ? password : SecuritySettings.randomPassword();
        Pki.writeKeyStore(etc.resolve(CA_KEYSTORE), secret, ALIAS, authority);
        Pki.writePem(etc.resolve(CA_PEM), authority.certificate());
        if (!chosen) {
            try {
                recordPassword(secret);
            } catch (IOException e) {
                throw new IllegalStateException("cannot record the authority's password in etc/" + SecuritySettings.PID + ".cfg", e);
            }
        }
        this.password = secret;
        roots.add(authority.certificate(), Set.of(domain.name()));
        writeCrl(authority, Map.of());
        LOG.info("Created the certificate authority of {} ({})", domain.name(), etc.resolve(CA_KEYSTORE));
        return authority.certificate();
    }

    /** Stores an authority created elsewhere (the demo credentials), with the password already recorded. */
    static void store(Path etc, Pki.CertifiedKey authority, char[] secret) {
        Pki.writeKeyStore(etc.resolve(CA_KEYSTORE), secret, ALIAS, authority);
        Pki.writePem(etc.resolve(CA_PEM), authority.certificate());
        writeCrl(etc, authority, Map.of());
    }

    /** Files a certificate issued elsewhere (the demo server certificate) in the issued list. */
    static void file(Path etc, X509Certificate certificate) {
        Pki.writePem(etc.resolve(ISSUED).resolve(certificate.getSerialNumber().toString(16) + ".pem"), certificate);
    }

    /**
     * The authority's certificate, read from its PEM file: logging a user in needs the certificate,
     * never the key, so the key store is opened only to issue and revoke.
     */
    @Override
    public X509Certificate certificate() {
        Path pem = etc.resolve(CA_PEM);
        if (!Files.exists(etc.resolve(CA_KEYSTORE)) || !Files.exists(pem)) {
            return authority().certificate();
        }
        try {
            long modified = Files.getLastModifiedTime(pem).toMillis();
            PublicCertificate cached = publicCertificate;
            if (cached == null || cached.modified() != modified) {
                cached = new PublicCertificate(readCertificate(pem), modified);
                publicCertificate = cached;
            }
            return cached.certificate();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + pem + ": " + e.getMessage(), e);
        }
    }

    /** The authority's certificate as last read from its PEM file. */
    private record PublicCertificate(X509Certificate certificate, long modified) {
    }

    private volatile PublicCertificate publicCertificate;

    @Override
    public synchronized byte[] issueUser(Address user, char[] keyStorePassword, Duration validity) {
        if (!domain.isLocal(user)) {
            throw new IllegalArgumentException(user + " is not a user of " + domain.name() + "; its own domain issues its certificates");
        }
        Pki.CertifiedKey authority = authority();
        Pki.CertifiedKey issued = Pki.issueUserCertificate(authority, user.toString(), validity);
        file(etc, issued.certificate());
        LOG.info("Issued certificate {} to {}", issued.certificate().getSerialNumber().toString(16), user);
        return Pki.keyStoreBytes(keyStorePassword, user.toString(), issued, authority.certificate());
    }

    @Override
    public synchronized byte[] issueServer(List<String> hosts, char[] keyStorePassword, Duration validity) {
        Pki.CertifiedKey authority = authority();
        Pki.CertifiedKey issued = Pki.issueServerCertificate(authority, domain.name(), validity, hosts.toArray(new String[0]));
        Pki.CertifiedKey signing = Pki.issueMessageSigningCertificate(authority, domain.name(), validity);
        file(etc, issued.certificate());
        file(etc, signing.certificate());
        LOG.info("Issued server certificate {} and message signing certificate {} for {}",
                issued.certificate().getSerialNumber().toString(16), signing.certificate().getSerialNumber().toString(16), domain.name());
        return Pki.keyStoreBytes(keyStorePassword, Map.of("server", issued, Pki.MESSAGE_SIGNING_ALIAS, signing),
                authority.certificate());
    }

    @Override
    public List<Issued> issued() {
        Path folder = etc.resolve(ISSUED);
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        X509CRL crl = crl().orElse(null);
        List<Issued> all = new ArrayList<>();
        try (var files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".pem")).toList()) {
                X509Certificate certificate = readCertificate(file);
                X509CRLEntry entry = crl == null ? null : crl.getRevokedCertificate(certificate);
                boolean server = certificate.getBasicConstraints() < 0 && DomainTls.mailAddresses(certificate).isEmpty();
                all.add(new Issued(certificate.getSerialNumber(), certificate.getSubjectX500Principal().getName(),
                        server ? Issued.Kind.SERVER : Issued.Kind.USER, certificate.getNotAfter().toInstant(),
                        Optional.ofNullable(entry).map(e -> e.getRevocationDate().toInstant()), certificate));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + folder + ": " + e.getMessage(), e);
        }
        all.sort(Comparator.comparing((Issued i) -> i.certificate().getNotBefore()).thenComparing(Issued::serial));
        return List.copyOf(all);
    }

    @Override
    public synchronized Issued revoke(BigInteger serial) {
        Issued target = issued().stream().filter(i -> i.serial().equals(serial)).findFirst().orElseThrow(
                () -> new IllegalArgumentException("this authority issued no certificate with serial " + serial.toString(16)
                        + " (wsemail:cert-list shows them)"));
        if (target.revokedAt().isPresent()) {
            return target;
        }
        Map<BigInteger, Instant> revoked = new TreeMap<>();
        crl().ifPresent(crl -> {
            if (crl.getRevokedCertificates() != null) {
                crl.getRevokedCertificates().forEach(e -> revoked.put(e.getSerialNumber(), e.getRevocationDate().toInstant()));
            }
        });
        Instant now = Instant.now();
        revoked.put(serial, now);
        writeCrl(authority(), revoked);
        LOG.warn("Revoked certificate {} ({})", serial.toString(16), target.subject());
        return new Issued(target.serial(), target.subject(), target.kind(), target.notAfter(), Optional.of(now), target.certificate());
    }

    @Override
    public Address authenticate(List<X509Certificate> chain) throws GeneralSecurityException {
        if (chain.isEmpty()) {
            throw new GeneralSecurityException("no certificate");
        }
        X509Certificate leaf = chain.get(0);
        X509Certificate authority = certificate();
        CertPath path = CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf));
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(authority, null)));
        parameters.setRevocationEnabled(false);
        try {
            CertPathValidator.getInstance("PKIX").validate(path, parameters);
        } catch (GeneralSecurityException e) {
            throw new GeneralSecurityException("the certificate was not issued by the authority of " + domain.name()
                    + " or is not valid now: " + e.getMessage(), e);
        }
        X509CRL crl = currentCrl(authority);
        if (crl.isRevoked(leaf)) {
            throw new GeneralSecurityException("certificate " + leaf.getSerialNumber().toString(16) + " is revoked");
        }
        SortedSet<String> addresses = DomainTls.mailAddresses(leaf);
        if (addresses.size() != 1) {
            throw new GeneralSecurityException("a user certificate names exactly one address; this one names " + addresses);
        }
        Address user = Address.parse(addresses.first());
        if (!domain.isLocal(user)) {
            throw new GeneralSecurityException(user + " is not a user of " + domain.name());
        }
        return user;
    }

    private Pki.CertifiedKey authority() {
        Path file = etc.resolve(CA_KEYSTORE);
        if (!Files.exists(file)) {
            throw new NoAuthorityException(domain.name() + " has no certificate authority yet; create one with wsemail:ca-create");
        }
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            X509Certificate certificate = (X509Certificate) store.getCertificate(ALIAS);
            PrivateKey key = (PrivateKey) store.getKey(ALIAS, password);
            return new Pki.CertifiedKey(new KeyPair(certificate.getPublicKey(), key), certificate);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot open " + file + ": " + e.getMessage()
                    + " (check ca.password in etc/" + SecuritySettings.PID + ".cfg)", e);
        }
    }

    /**
     * The revocation list, checked as any other server checks it (signed by the authority, its next
     * update ahead) and signed anew once less than {@link #RENEW_BEFORE} of it is left, so that it
     * never runs out while the server runs.
     */
    private X509CRL currentCrl(X509Certificate authority) throws GeneralSecurityException {
        X509CRL crl = crl().orElseThrow(() -> new GeneralSecurityException("no revocation list at " + etc.resolve(CRL)));
        crl.verify(authority.getPublicKey());
        Instant nextUpdate = crl.getNextUpdate() == null ? Instant.EPOCH : crl.getNextUpdate().toInstant();
        if (Instant.now().plus(RENEW_BEFORE).isAfter(nextUpdate)) {
            crl = renewCrl();
        }
        return crl;
    }

    /** Signs the revocation list anew with the same entries. */
    synchronized X509CRL renewCrl() {
        Map<BigInteger, Instant> revoked = new TreeMap<>();
        crl().ifPresent(crl -> {
            if (crl.getRevokedCertificates() != null) {
                crl.getRevokedCertificates().forEach(e -> revoked.put(e.getSerialNumber(), e.getRevocationDate().toInstant()));
            }
        });
        writeCrl(authority(), revoked);
        LOG.info("Signed the revocation list of {} anew", domain.name());
        return crl().orElseThrow();
    }

    private Optional<X509CRL> crl() {
        Path file = etc.resolve(CRL);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try (InputStream in = Files.newInputStream(file)) {
            return Optional.of((X509CRL) CertificateFactory.getInstance("X.509").generateCRL(in));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the revocation list " + file + ": " + e.getMessage(), e);
        }
    }

    private void writeCrl(Pki.CertifiedKey authority, Map<BigInteger, Instant> revoked) {
        writeCrl(etc, authority, revoked);
    }

    private static void writeCrl(Path etc, Pki.CertifiedKey authority, Map<BigInteger, Instant> revoked) {
        X509CRL crl = Pki.createCrl(authority, revoked, CRL_VALIDITY);
        Path file = etc.resolve(CRL);
        try {
            Path temporary = Files.createTempFile(etc, CRL, ".tmp");
            Files.write(temporary, crl.getEncoded());
            Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot write the revocation list " + file + ": " + e.getMessage(), e);
        }
    }

    private static X509Certificate readCertificate(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (CertificateException e) {
            throw new IOException("not a certificate: " + file + ": " + e.getMessage(), e);
        }
    }

    private void recordPassword(char[] secret) throws IOException {
        Configuration configuration = configurationAdmin.getConfiguration(SecuritySettings.PID, "?");
        Dictionary<String, Object> props = configuration.getProperties();
        if (props == null) {
            props = new Hashtable<>();
        }
        props.put("ca.password", new String(secret));
        configuration.update(props);
    }
}
