package org.wsemail.security.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Element;
import org.wsemail.api.MailMessage;
import org.wsemail.api.Address;
import org.wsemail.api.server.FederatedTokens;
import org.wsemail.api.server.MailDomain;
import org.wsemail.api.server.MessageSigner;
import org.wsemail.api.server.TlsCredentials;
import org.wsemail.api.server.TrustedRoots;
import org.wsemail.wire.DomainTls;
import org.wsemail.security.Pki;
import org.wsemail.security.SamlTokens;
import org.wsemail.wire.MessageCodec;
import org.wsemail.wire.MessageSignatures;

/**
 * Signs as this server with the key in a PKCS#12 key store and verifies against the roots in a
 * PKCS#12 trust store, both named in {@value #PID}. On a first start in demo mode, when neither
 * store exists yet, it creates a certificate authority for the domain and a server certificate
 * from it, with random store passwords that it records in the configuration.
 */
@Component(service = {MessageSigner.class, TrustedRoots.class, TlsCredentials.class, FederatedTokens.class},
        configurationPid = KeyStoreMessageSigner.PID)
@Designate(ocd = KeyStoreMessageSigner.Config.class)
public class KeyStoreMessageSigner implements MessageSigner, TrustedRoots, TlsCredentials, FederatedTokens {
    static final String PID = "org.wsemail.security";

    private static final Logger LOG = LoggerFactory.getLogger(KeyStoreMessageSigner.class);
    private static final Duration DEMO_VALIDITY = Duration.ofDays(825);
    /** The demo CA's certificate, for clients to verify this server's signatures with. */
    static final String DEMO_CA_PEM = "wsemail-ca.pem";

    @ObjectClassDefinition(name = "WSEmail server keys", description = "The key this server signs with and the roots it trusts.")
    public @interface Config {
        @AttributeDefinition(name = "Key store", description = "PKCS#12 file; relative to the server's etc directory")
        String keystore() default "wsemail-server.p12";

        @AttributeDefinition(name = "Key store password", type = org.osgi.service.metatype.annotations.AttributeType.PASSWORD)
        String keystore_password() default "";

        @AttributeDefinition(name = "Key alias")
        String key_alias() default "server";

        @AttributeDefinition(name = "Trust store", description = "PKCS#12 file of trusted root certificates")
        String truststore() default "wsemail-trust.p12";

        @AttributeDefinition(name = "Trust store password", type = org.osgi.service.metatype.annotations.AttributeType.PASSWORD)
        String truststore_password() default "";

        @AttributeDefinition(name = "Certificate authority password", description = "Of wsemail-ca.p12, the domain CA's key store",
                type = org.osgi.service.metatype.annotations.AttributeType.PASSWORD)
        String ca_password() default "";

        @AttributeDefinition(name = "Create demo credentials",
                description = "When neither store exists: create a CA for the domain and a server certificate from it")
        boolean demo_credentials() default true;

        @AttributeDefinition(name = "Token lifetime (s)", description = "How long a federated identity token this server issues is valid")
        int token_lifetime_seconds() default 300;

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

    private final PrivateKey key;
    private final List<X509Certificate> chain;
    private volatile Set<TrustAnchor> anchors;
    /** Where added roots are kept; null when the roots were given directly (tests). */
    private final Path truststoreFile;
    private final char[] truststoreSecret;
    private final MessageCodec codec = new MessageCodec();
    private final MessageSignatures signatures = new MessageSignatures();
    /** This server's mail domain; null when the signer was built directly (tests). */
    private final String domainName;
    private final Duration tokenLifetime;

    @Activate
    public KeyStoreMessageSigner(Config config, @Reference MailDomain domain, @Reference ConfigurationAdmin configurationAdmin)
            throws IOException, GeneralSecurityException {
        Path etc = Path.of(System.getProperty("karaf.etc", "."));
        Path keystore = etc.resolve(config.keystore());
        Path truststore = etc.resolve(config.truststore());
        char[] keystorePassword = config.keystore_password().toCharArray();
        char[] truststorePassword = config.truststore_password().toCharArray();
        if (config.demo_credentials() && Files.notExists(keystore) && Files.notExists(truststore)) {
            keystorePassword = randomPassword();
            truststorePassword = randomPassword();
            char[] caPassword = randomPassword();
            createDemoCredentials(domain.name(), keystore, keystorePassword, config.key_alias(), truststore, truststorePassword,
                    caPassword);
            recordPasswords(configurationAdmin, keystorePassword, truststorePassword, caPassword);
        }
        KeyStore keys = load(keystore, keystorePassword);
        this.key = (PrivateKey) keys.getKey(config.key_alias(), keystorePassword);
        if (key == null) {
            throw new GeneralSecurityException("no private key '" + config.key_alias() + "' in " + keystore);
        }
        List<X509Certificate> certificates = new ArrayList<>();
        for (Certificate certificate : keys.getCertificateChain(config.key_alias())) {
            certificates.add((X509Certificate) certificate);
        }
        this.chain = List.copyOf(certificates);
        this.anchors = trustAnchors(load(truststore, truststorePassword));
        this.truststoreFile = truststore;
        this.truststoreSecret = truststorePassword;
        this.domainName = domain.name();
        this.tokenLifetime = Duration.ofSeconds(config.token_lifetime_seconds());
        LOG.info("Signing as {} ({} trusted roots)", chain.get(0).getSubjectX500Principal().getName(), anchors.size());
    }

    /**
     * Keys are read once. Recording the demo passwords changes the configuration; restarting the
     * signer (and everything that depends on it) for that would gain nothing, so a change is only
     * noted. New key or trust stores take effect when the bundle restarts.
     */
    @Modified
    void modified() {
        LOG.info("Configuration {} changed; new key or trust stores take effect when org.wsemail.security restarts", PID);
    }

    /** For tests: credentials given directly. */
    KeyStoreMessageSigner(PrivateKey key, List<X509Certificate> chain, Set<TrustAnchor> anchors) {
        this.key = key;
        this.chain = List.copyOf(chain);
        this.anchors = Set.copyOf(anchors);
        this.truststoreFile = null;
        this.truststoreSecret = null;
        this.domainName = DomainTls.dnsNames(chain.get(0)).first();
        this.tokenLifetime = Duration.ofMinutes(5);
    }

    @Override
    public List<X509Certificate> roots() {
        return anchors.stream().map(TrustAnchor::getTrustedCert).toList();
    }

    @Override
    public synchronized boolean add(X509Certificate root) {
        if (root.getBasicConstraints() < 0) {
            throw new IllegalArgumentException("not a CA certificate: " + root.getSubjectX500Principal().getName());
        }
        try {
            root.checkValidity();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the certificate is not valid now: " + e.getMessage(), e);
        }
        if (roots().contains(root)) {
            return false;
        }
        if (truststoreFile != null) {
            try {
                KeyStore store = load(truststoreFile, truststoreSecret);
                store.setCertificateEntry(root.getSubjectX500Principal().getName(), root);
                Path temporary = Files.createTempFile(truststoreFile.toAbsolutePath().getParent(), "trust", ".tmp");
                try (var out = Files.newOutputStream(temporary)) {
                    store.store(out, truststoreSecret);
                }
                Files.move(temporary, truststoreFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalStateException("cannot add the root to " + truststoreFile + ": " + e.getMessage(), e);
            }
        }
        Set<TrustAnchor> next = new HashSet<>(anchors);
        next.add(new TrustAnchor(root, null));
        anchors = Set.copyOf(next);
        LOG.info("Now trusting root {}", root.getSubjectX500Principal().getName());
        return true;
    }

    private static void createDemoCredentials(String domain, Path keystore, char[] keystorePassword, String alias,
            Path truststore, char[] truststorePassword, char[] caPassword) {
        Pki.CertifiedKey authority = Pki.createAuthority("WSEmail demo CA for " + domain, DEMO_VALIDITY);
        Pki.CertifiedKey server = Pki.issueServerCertificate(authority, domain, DEMO_VALIDITY, "localhost", "127.0.0.1");
        Pki.writeKeyStore(keystore, keystorePassword, alias, server, authority.certificate());
        Pki.writeTrustStore(truststore, truststorePassword, authority.certificate());
        Path etc = truststore.toAbsolutePath().getParent();
        FileCertificateAuthority.store(etc, authority, caPassword);
        FileCertificateAuthority.file(etc, server.certificate());
        LOG.warn("Created demo credentials for {}: a CA of its own and a server certificate ({}, {}; the CA as {})."
                + " Other servers and clients trust this one only once they trust that CA.", domain, keystore, truststore,
                DEMO_CA_PEM);
    }

    private static void recordPasswords(ConfigurationAdmin configurationAdmin, char[] keystorePassword,
            char[] truststorePassword, char[] caPassword) throws IOException {
        Configuration configuration = configurationAdmin.getConfiguration(PID, "?");
        Dictionary<String, Object> props = configuration.getProperties();
        if (props == null) {
            props = new Hashtable<>();
        }
        props.put("keystore.password", new String(keystorePassword));
        props.put("truststore.password", new String(truststorePassword));
        props.put("ca.password", new String(caPassword));
        configuration.update(props);
    }

    static char[] randomPassword() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).toCharArray();
    }

    private static KeyStore load(Path file, char[] password) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password);
        } catch (IOException e) {
            throw new IOException("cannot open " + file + ": " + e.getMessage()
                    + " (check the path and password in etc/" + PID + ".cfg)", e);
        }
        return store;
    }

    private static Set<TrustAnchor> trustAnchors(KeyStore store) throws GeneralSecurityException {
        Set<TrustAnchor> anchors = new HashSet<>();
        for (String alias : Collections.list(store.aliases())) {
            if (store.isCertificateEntry(alias)) {
                anchors.add(new TrustAnchor((X509Certificate) store.getCertificate(alias), null));
            }
        }
        if (anchors.isEmpty()) {
            throw new GeneralSecurityException("the trust store holds no root certificates");
        }
        return Set.copyOf(anchors);
    }

    @Override
    public KeyManager[] keyManagers() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] transientPassword = randomPassword();
            store.setKeyEntry("server", key, transientPassword, chain.toArray(new Certificate[0]));
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, transientPassword);
            return factory.getKeyManagers();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot present this server's key for TLS: " + e.getMessage(), e);
        }
    }

    @Override
    public TrustManager[] trustManagers() {
        return new TrustManager[] {new CurrentRoots()};
    }

    /** The trust manager for a set of roots; rebuilt only when the roots change. */
    private record RootsTrust(Set<TrustAnchor> anchors, X509TrustManager manager) {
    }

    private volatile RootsTrust rootsTrust;

    /** Checks each chain against the roots trusted at that moment, so that trust-add counts at once. */
    private final class CurrentRoots implements X509TrustManager {
        private X509TrustManager now() {
            Set<TrustAnchor> current = anchors;
            RootsTrust cached = rootsTrust;
            if (cached == null || cached.anchors() != current) {
                cached = new RootsTrust(current, (X509TrustManager) DomainTls.trustManagers(current)[0]);
                rootsTrust = cached;
            }
            return cached.manager();
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            now().checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            now().checkServerTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return roots().toArray(new X509Certificate[0]);
        }
    }

    @Override
    public Element issue(Address user, X509Certificate userCertificate, String audienceDomain) {
        if (!user.domain().equals(domainName)) {
            throw new IllegalArgumentException(user + " is not a user of " + domainName + "; only a user's own domain vouches for them");
        }
        if (!DomainTls.mailAddresses(userCertificate).equals(Set.of(user.toString()))) {
            throw new IllegalArgumentException("the certificate does not name " + user);
        }
        Element token = SamlTokens.issue(new Pki.CertifiedKey(new java.security.KeyPair(chain.get(0).getPublicKey(), key), chain.get(0)),
                chain, domainName, user.toString(), userCertificate, audienceDomain, Instant.now(), tokenLifetime);
        LOG.info("Issued a token for {} to present at {}, valid {} s", user, audienceDomain, tokenLifetime.toSeconds());
        return token;
    }

    @Override
    public String sign(MailMessage message) {
        Element element = codec.toElement(message, "m-" + UUID.randomUUID());
        signatures.sign(element, key, chain);
        return codec.toText(element);
    }

    @Override
    public MailMessage read(String signedXml) {
        return codec.fromElement(codec.parse(signedXml));
    }

    @Override
    public VerifiedMessage verify(String signedXml) throws InvalidSignatureException {
        Element element;
        try {
            element = codec.parse(signedXml);
        } catch (IllegalArgumentException e) {
            throw new InvalidSignatureException("not a well-formed signed message: " + e.getMessage(), e);
        }
        return verify(element);
    }

    VerifiedMessage verify(Element element) throws InvalidSignatureException {
        MessageSignatures.Signer signer;
        try {
            signer = signatures.verify(element, anchors);
        } catch (MessageSignatures.InvalidSignatureException e) {
            throw new InvalidSignatureException(e.getMessage(), e);
        }
        try {
            return new VerifiedMessage(codec.fromElement(element), signer.dnsNames(),
                    signer.certificate().getSubjectX500Principal().getName());
        } catch (IllegalArgumentException e) {
            throw new InvalidSignatureException("the signed content is not a valid message: " + e.getMessage(), e);
        }
    }

}
