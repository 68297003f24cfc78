package org.wsemail.security;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.security.cert.X509CRL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Builds keys and X.509 certificates for WSEmail domains. Stateless and thread-safe. */
public final class Pki {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String SIGNATURE_ALGORITHM = "SHA256withRSA";
    private static final KeyUsage SIGN_AND_ENCIPHER = new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment);

    private Pki() {
    }

    /**
     * A key pair and its certificate.
     *
     * @param keyPair the key pair
     * @param certificate its certificate
     */
    public record CertifiedKey(KeyPair keyPair, X509Certificate certificate) {
    }

    /** A new self-signed certificate authority without name constraints, e.g. {@code "WSEmail CA for a.example"}. */
    public static CertifiedKey createAuthority(String commonName, Duration validity) {
        return createAuthority(commonName, validity, new String[0]);
    }

    /**
     * A new self-signed certificate authority, e.g. {@code "WSEmail CA for a.example"}.
     *
     * @param domains the mail domains it may certify: given, the certificate carries critical X.509
     *     name constraints (dNSName and rfc822Name subtrees of each), so that path validation refuses
     *     any certificate it issues for another domain; none, it is unconstrained
     */
    public static CertifiedKey createAuthority(String commonName, Duration validity, String... domains) {
        KeyPair keys = rsaKeys();
        X500Name subject = name(commonName);
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = builder(subject, subject, keys, validity)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(keys.getPublic()));
            if (domains.length > 0) {
                List<GeneralSubtree> permitted = new ArrayList<>();
                for (String domain : domains) {
                    String lower = domain.toLowerCase(Locale.ROOT);
                    permitted.add(new GeneralSubtree(new GeneralName(GeneralName.dNSName, lower)));
                    permitted.add(new GeneralSubtree(new GeneralName(GeneralName.rfc822Name, lower)));
                }
                builder.addExtension(Extension.nameConstraints, true,
                        new NameConstraints(permitted.toArray(new GeneralSubtree[0]), null));
            }
            return new CertifiedKey(keys, sign(builder, keys));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot create the certificate authority " + commonName, e);
        }
    }

    /**
     * The mail domains a CA certificate's name constraints permit (its dNSName subtrees), lower
     * case; empty when it has none.
     */
    public static Set<String> permittedDomains(X509Certificate authority) {
        byte[] extension = authority.getExtensionValue(Extension.nameConstraints.getId());
        if (extension == null) {
            return Set.of();
        }
        NameConstraints constraints = NameConstraints.getInstance(ASN1OctetString.getInstance(extension).getOctets());
        Set<String> domains = new TreeSet<>();
        if (constraints.getPermittedSubtrees() != null) {
            for (GeneralSubtree subtree : constraints.getPermittedSubtrees()) {
                GeneralName name = subtree.getBase();
                if (name.getTagNo() == GeneralName.dNSName) {
                    domains.add(name.getName().toString().toLowerCase(Locale.ROOT));
                }
            }
        }
        return Collections.unmodifiableSet(domains);
    }

    /**
     * The alias, in a server's key store, of the key it signs the messages it sends with, beside
     * the key it serves TLS with (alias {@code server}); a server without one signs with that.
     */
    public static final String MESSAGE_SIGNING_ALIAS = "message-signing";

    /**
     * A certificate for the key a mail domain's server signs messages with, issued by
     * {@code authority}: an Ed25519 key (an XML signature with it is made in a thirtieth of the time
     * RSA-2048 takes and is 64 bytes instead of 256), the domain as its common name and
     * subjectAltName dNSName, good for digital signatures only. The server keeps its RSA certificate
     * for TLS and for the keys of encrypted delivery.
     */
    public static CertifiedKey issueMessageSigningCertificate(CertifiedKey authority, String domain, Duration validity) {
        String lower = domain.toLowerCase(Locale.ROOT);
        return issueEndEntity(authority, lower, new GeneralNames(new GeneralName(GeneralName.dNSName, lower)), validity,
                ed25519Keys(), new KeyUsage(KeyUsage.digitalSignature));
    }

    /**
     * A server certificate for a mail domain, issued by {@code authority}: the domain is its common
     * name and its first subjectAltName dNSName, and it may sign (messages) and serve and use TLS.
     *
     * @param hosts further names the server is reached at, for TLS clients that check the host
     *     (address literals become iPAddress entries); WSEmail's own clients check the domain
     */
    public static CertifiedKey issueServerCertificate(CertifiedKey authority, String domain, Duration validity, String... hosts) {
        String lower = domain.toLowerCase(Locale.ROOT);
        GeneralName[] names = new GeneralName[hosts.length + 1];
        names[0] = new GeneralName(GeneralName.dNSName, lower);
        for (int i = 0; i < hosts.length; i++) {
            boolean address = hosts[i].matches("[0-9.]+") || hosts[i].contains(":");
            names[i + 1] = new GeneralName(address ? GeneralName.iPAddress : GeneralName.dNSName, hosts[i].toLowerCase(Locale.ROOT));
        }
        return issueEndEntity(authority, lower, new GeneralNames(names), validity, rsaKeys(), SIGN_AND_ENCIPHER,
                KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth);
    }

    /**
     * A user certificate issued by {@code authority}: the address is its common name and its
     * subjectAltName rfc822Name; it may sign (WS-Security requests, mail) and authenticate as a TLS client.
     */
    public static CertifiedKey issueUserCertificate(CertifiedKey authority, String address, Duration validity) {
        String lower = address.toLowerCase(Locale.ROOT);
        return issueEndEntity(authority, lower, new GeneralNames(new GeneralName(GeneralName.rfc822Name, lower)), validity,
                rsaKeys(), SIGN_AND_ENCIPHER, KeyPurposeId.id_kp_clientAuth, KeyPurposeId.id_kp_emailProtection);
    }

    /** A certificate from {@code authority} for {@code keys}: not a CA; extended key usage only if purposes are given. */
    private static CertifiedKey issueEndEntity(CertifiedKey authority, String commonName, GeneralNames alternativeNames,
            Duration validity, KeyPair keys, KeyUsage usage, KeyPurposeId... purposes) {
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = builder(
                    X500Name.getInstance(authority.certificate().getSubjectX500Principal().getEncoded()),
                    name(commonName), keys, validity)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, usage)
                    .addExtension(Extension.subjectAlternativeName, false, alternativeNames)
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            extensions.createAuthorityKeyIdentifier(authority.certificate()))
                    .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(keys.getPublic()));
            if (purposes.length > 0) {
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes));
            }
            return new CertifiedKey(keys, sign(builder, authority.keyPair()));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot issue a certificate for " + commonName, e);
        }
    }

    /** A certificate revocation list signed by {@code authority}, valid until {@code nextUpdate} from now. */
    public static X509CRL createCrl(CertifiedKey authority, Map<BigInteger, Instant> revoked, Duration nextUpdate) {
        Instant now = Instant.now();
        X509v2CRLBuilder builder = new X509v2CRLBuilder(
                X500Name.getInstance(authority.certificate().getSubjectX500Principal().getEncoded()), Date.from(now));
        builder.setNextUpdate(Date.from(now.plus(nextUpdate)));
        revoked.forEach((serial, when) -> builder.addCRLEntry(serial, Date.from(when), CRLReason.unspecified));
        try {
            return new JcaX509CRLConverter().getCRL(
                    builder.build(new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(authority.keyPair().getPrivate())));
        } catch (OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign the revocation list", e);
        }
    }

    /** Writes a PKCS#12 key store holding one private key entry with its chain (leaf first). */
    public static void writeKeyStore(Path file, char[] password, String alias, CertifiedKey key, X509Certificate... issuers) {
        writeKeyStore(file, password, Map.of(alias, key), issuers);
    }

    /**
     * Writes a PKCS#12 key store holding a private key entry per alias, each with its chain: its
     * certificate, then {@code issuers} (the keys of one server, issued by one authority).
     */
    public static void writeKeyStore(Path file, char[] password, Map<String, CertifiedKey> keys, X509Certificate... issuers) {
        try {
            write(keyStore(password, keys, issuers), file, password);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot write key store " + file, e);
        }
    }

    /** A PKCS#12 key store, as bytes, holding one private key entry with its chain (leaf first). */
    public static byte[] keyStoreBytes(char[] password, String alias, CertifiedKey key, X509Certificate... issuers) {
        return keyStoreBytes(password, Map.of(alias, key), issuers);
    }

    /** A PKCS#12 key store, as bytes, holding a private key entry per alias, each with its chain, as written by writeKeyStore. */
    public static byte[] keyStoreBytes(char[] password, Map<String, CertifiedKey> keys, X509Certificate... issuers) {
        try {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            keyStore(password, keys, issuers).store(bytes, password);
            return bytes.toByteArray();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a key store for " + keys.keySet(), e);
        }
    }

    private static KeyStore keyStore(char[] password, Map<String, CertifiedKey> keys, X509Certificate... issuers)
            throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        for (Map.Entry<String, CertifiedKey> entry : keys.entrySet()) {
            X509Certificate[] chain = new X509Certificate[issuers.length + 1];
            chain[0] = entry.getValue().certificate();
            System.arraycopy(issuers, 0, chain, 1, issuers.length);
            store.setKeyEntry(entry.getKey(), entry.getValue().keyPair().getPrivate(), password, chain);
        }
        return store;
    }

    /** Writes a PKCS#12 trust store holding these root certificates. */
    public static void writeTrustStore(Path file, char[] password, X509Certificate... roots) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (X509Certificate root : roots) {
                store.setCertificateEntry(root.getSubjectX500Principal().getName(), root);
            }
            write(store, file, password);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot write trust store " + file, e);
        }
    }

    /** Writes certificates as PEM text, the form clients and tools read. */
    public static void writePem(Path file, X509Certificate... certificates) {
        StringBuilder pem = new StringBuilder();
        try {
            for (X509Certificate certificate : certificates) {
                pem.append("-----BEGIN CERTIFICATE-----\n")
                        .append(java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(certificate.getEncoded()))
                        .append("\n-----END CERTIFICATE-----\n");
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, pem.toString());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot write " + file, e);
        }
    }

    private static void write(KeyStore store, Path file, char[] password) throws GeneralSecurityException, IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path temporary = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
        try (OutputStream out = Files.newOutputStream(temporary)) {
            store.store(out, password);
        }
        Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys, Duration validity) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(127, RANDOM),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(validity)), subject, keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer) throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(signer.getPrivate())));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static X500Name name(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).addRDN(BCStyle.O, "WSEmail").build();
    }

    private static KeyPair ed25519Keys() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair rsaKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048, RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
