package org.wsemail.wire.security;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Real RSA keys and X.509 certificates for this package's tests (the security bundle's Pki is above this one). */
final class TestCertificates {

    private TestCertificates() {
    }

    static KeyPair keyPair() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    /** A root: its key and its self-signed certificate, which issues certificates valid for a day. */
    record Authority(String name, KeyPair key, X509Certificate certificate) {
        X509Certificate issue(String subject, PublicKey subjectKey, long serial) throws Exception {
            return TestCertificates.certificate(name, key, subject, subjectKey, serial);
        }
    }

    /** A new root named {@code name} (a distinguished name), with a new RSA key. */
    static Authority authority(String name) throws Exception {
        KeyPair key = keyPair();
        return new Authority(name, key, certificate(name, key, name, key.getPublic(), 1));
    }

    /** A certificate valid from an hour ago for a day; a CA if {@code issuer} is {@code subject}. */
    static X509Certificate certificate(String issuer, KeyPair issuerKey, String subject, PublicKey key, long serial) throws Exception {
        return certificate(issuer, issuerKey, subject, key, serial, Instant.now().plus(1, ChronoUnit.DAYS));
    }

    /** A certificate valid from an hour ago until {@code notAfter}; a CA if {@code issuer} is {@code subject}. */
    static X509Certificate certificate(String issuer, KeyPair issuerKey, String subject, PublicKey key, long serial,
            Instant notAfter) throws Exception {
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name(issuer), BigInteger.valueOf(serial),
                Date.from(Instant.now().minus(1, ChronoUnit.HOURS)), Date.from(notAfter), new X500Name(subject), key);
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(issuer.equals(subject)));
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuerKey.getPrivate())));
    }
}
