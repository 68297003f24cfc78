package org.wsemail.security.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsemail.api.server.MailDomain;
import org.wsemail.security.Pki;
import org.wsemail.wire.security.DomainTls;

/**
 * The server's credential files: the PKCS#12 key store with the key this server serves TLS and signs
 * its answers with, and, beside it, the key it signs messages with (if there is none, the server
 * key signs them too), and the PKCS#12 trust store of the roots it trusts, both under the server's
 * etc directory. On a first start in demo mode, when neither exists, it creates a certificate
 * authority for the domain, a server certificate and a message signing certificate from it, with
 * random store passwords that it records in the settings. A service of this bundle only: the signer,
 * the TLS credentials, the token issuer and the trusted roots read their parts from it.
 */
@Component(service = CredentialStores.class, configurationPid = SecuritySettings.PID)
@Designate(ocd = CredentialStores.Config.class)
public class CredentialStores {
    private static final Logger LOG = LoggerFactory.getLogger(CredentialStores.class);
    private static final Duration DEMO_VALIDITY = Duration.ofDays(825);

    @ObjectClassDefinition(name = "WSEmail server keys", description = "The key this server signs with and the roots it trusts.")
    public @interface Config {
        @AttributeDefinition(name = "Key store", description = "PKCS#12 file; relative to the server's etc directory")
        String keystore() default "wsemail-server.p12";

        @AttributeDefinition(name = "Key store password", type = AttributeType.PASSWORD)
        String keystore_password() default "";

        @AttributeDefinition(name = "Key alias")
        String key_alias() default "server";

        @AttributeDefinition(name = "Message signing key alias", description = "The key the server signs the messages"
                + " it sends with (Ed25519 in new stores); when the key store holds none, the server key signs them")
        String message_signing_alias() default Pki.MESSAGE_SIGNING_ALIAS;

        @AttributeDefinition(name = "Trust store", description = "PKCS#12 file of trusted root certificates")
        String truststore() default "wsemail-trust.p12";

        @AttributeDefinition(name = "Trust store password", type = AttributeType.PASSWORD)
        String truststore_password() default "";

        @AttributeDefinition(name = "Create demo credentials",
                description = "When neither store exists: create a CA for the domain and a server certificate from it")
        boolean demo_credentials() default true;
    }

    /**
     * Where the stores are and how to open them, for the web server's TLS connector.
     *
     * @param keystore the key store file
     * @param keystorePassword its password
     * @param keyAlias the alias of the server key in it
     * @param truststore the trust store file
     * @param truststorePassword its password
     */
    record StoreFiles(Path keystore, String keystorePassword, String keyAlias, Path truststore, String truststorePassword) {
    }

    private final PrivateKey key;
    private final List<X509Certificate> chain;
    private final PrivateKey messageKey;
    private final List<X509Certificate> messageChain;
    private final Path truststore;
    private final char[] truststoreSecret;
    private final StoreFiles files;

    @Activate
    public CredentialStores(Config config, @Reference MailDomain domain, @Reference ConfigurationAdmin configurationAdmin)
            throws IOException, GeneralSecurityException {
        Path etc = Path.of(System.getProperty("karaf.etc", "."));
        SecretFiles.protect(etc);
        Path keystore = etc.resolve(config.keystore());
        Path truststoreFile = etc.resolve(config.truststore());
        char[] keystorePassword = config.keystore_password().toCharArray();
        char[] truststorePassword = config.truststore_password().toCharArray();
        if (config.demo_credentials() && Files.notExists(keystore) && Files.notExists(truststoreFile)) {
            keystorePassword = SecuritySettings.randomPassword();
            truststorePassword = SecuritySettings.randomPassword();
            char[] caPassword = SecuritySettings.randomPassword();
            createDemoCredentials(domain.name(), keystore, keystorePassword, config.key_alias(), config.message_signing_alias(),
                    truststoreFile, truststorePassword, caPassword);
            recordPasswords(configurationAdmin, keystorePassword, truststorePassword, caPassword);
        }
        KeyStore keys = load(keystore, keystorePassword);
        this.key = (PrivateKey) keys.getKey(config.key_alias(), keystorePassword);
        if (key == null) {
            throw new GeneralSecurityException("no private key '" + config.key_alias() + "' in " + keystore);
        }
        this.chain = chain(keys, config.key_alias());
        PrivateKey signing = config.message_signing_alias().isEmpty() ? null
                : (PrivateKey) keys.getKey(config.message_signing_alias(), keystorePassword);
        this.messageKey = signing == null ? key : signing;
        this.messageChain = signing == null ? chain : chain(keys, config.message_signing_alias());
        String domainName = domain.name().toLowerCase(Locale.ROOT);
        if (signing != null && !DomainTls.dnsNames(messageChain.get(0)).contains(domainName)) {
            throw new GeneralSecurityException("the message signing certificate '" + config.message_signing_alias() + "' in "
                    + keystore + " does not name " + domain.name() + ", so no other server would accept the messages it signs");
        }
        this.truststore = truststoreFile;
        this.truststoreSecret = truststorePassword;
        this.files = new StoreFiles(keystore.toAbsolutePath(), new String(keystorePassword), config.key_alias(),
                truststoreFile.toAbsolutePath(), new String(truststorePassword));
        LOG.info("Server key: {}; messages signed with {} key '{}'", chain.get(0).getSubjectX500Principal().getName(),
                messageKey.getAlgorithm(), signing == null ? config.key_alias() : config.message_signing_alias());
    }

    private static List<X509Certificate> chain(KeyStore keys, String alias) throws GeneralSecurityException {
        List<X509Certificate> certificates = new ArrayList<>();
        for (Certificate certificate : keys.getCertificateChain(alias)) {
            certificates.add((X509Certificate) certificate);
        }
        return List.copyOf(certificates);
    }

    /** For tests: a key and chain given directly, and no trust store file. */
    CredentialStores(PrivateKey key, List<X509Certificate> chain) {
        this.key = key;
        this.chain = List.copyOf(chain);
        this.messageKey = key;
        this.messageChain = this.chain;
        this.truststore = null;
        this.truststoreSecret = null;
        this.files = null;
    }

    /**
     * Keys are read once. Recording the demo passwords changes the configuration; restarting every
     * component that depends on the keys for that would gain nothing, so a change is only noted. New
     * stores take effect when the bundle restarts.
     */
    @Modified
    void modified() {
        LOG.info("Settings {} changed; new key or trust stores take effect when org.wsemail.security restarts",
                SecuritySettings.PID);
    }

    /** The server's private key. */
    PrivateKey key() {
        return key;
    }

    /** The server's certificate and the chain above it, the server's own first. */
    List<X509Certificate> chain() {
        return chain;
    }

    /** The key the server signs messages with: its own message signing key, or else the server key. */
    PrivateKey messageKey() {
        return messageKey;
    }

    /** The certificate chain of {@link #messageKey()}, its certificate first. */
    List<X509Certificate> messageChain() {
        return messageChain;
    }

    /** The store files and their passwords. */
    StoreFiles files() {
        return files;
    }

    /** The trust store file; null when there is none (tests). */
    Path truststore() {
        return truststore;
    }

    /** The trust store as it is on disk now. */
    KeyStore loadTrustStore() throws IOException, GeneralSecurityException {
        return load(truststore, truststoreSecret);
    }

    /** Writes the trust store back, whole, then moved into place. */
    void storeTrustStore(KeyStore store) throws IOException, GeneralSecurityException {
        Path temporary = Files.createTempFile(truststore.toAbsolutePath().getParent(), "trust", ".tmp");
        try (var out = Files.newOutputStream(temporary)) {
            store.store(out, truststoreSecret);
        }
        Files.move(temporary, truststore, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static void createDemoCredentials(String domain, Path keystore, char[] keystorePassword, String alias,
            String signingAlias, Path truststore, char[] truststorePassword, char[] caPassword) {
        // Name constraints: the demo CA can certify the domain (and localhost, which its server
        // certificate names for local tools), nothing else, whoever trusts it.
        Pki.CertifiedKey authority = Pki.createAuthority("WSEmail demo CA for " + domain, DEMO_VALIDITY, domain, "localhost");
        Pki.CertifiedKey server = Pki.issueServerCertificate(authority, domain, DEMO_VALIDITY, "localhost", "127.0.0.1");
        Pki.CertifiedKey signing = signingAlias.isEmpty() ? null
                : Pki.issueMessageSigningCertificate(authority, domain, DEMO_VALIDITY);
        Map<String, Pki.CertifiedKey> keys = signing == null ? Map.of(alias, server) : Map.of(alias, server, signingAlias, signing);
        Pki.writeKeyStore(keystore, keystorePassword, keys, authority.certificate());
        Pki.writeTrustStore(truststore, truststorePassword, authority.certificate());
        Path etc = truststore.toAbsolutePath().getParent();
        FileCertificateAuthority.store(etc, authority, caPassword);
        FileCertificateAuthority.file(etc, server.certificate());
        if (signing != null) {
            FileCertificateAuthority.file(etc, signing.certificate());
        }
        LOG.warn("Created demo credentials for {}: a CA of its own, a server certificate and a message signing"
                + " certificate ({}, {}; the CA as {}). Other servers and clients trust this one only once they trust that CA.",
                domain, keystore, truststore, FileCertificateAuthority.CA_PEM);
    }

    private static void recordPasswords(ConfigurationAdmin configurationAdmin, char[] keystorePassword,
            char[] truststorePassword, char[] caPassword) throws IOException {
        Configuration configuration = configurationAdmin.getConfiguration(SecuritySettings.PID, "?");
        Dictionary<String, Object> props = configuration.getProperties();
        if (props == null) {
            props = new Hashtable<>();
        }
        props.put("keystore.password", new String(keystorePassword));
        props.put("truststore.password", new String(truststorePassword));
        props.put("ca.password", new String(caPassword));
        configuration.update(props);
    }

    private static KeyStore load(Path file, char[] password) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password);
        } catch (IOException e) {
            throw new IOException("cannot open " + file + ": " + e.getMessage()
                    + " (check the path and password in etc/" + SecuritySettings.PID + ".cfg)", e);
        }
        return store;
    }
}
