package org.wsemail.wire.security;

import static org.junit.Assert.fail;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.regex.Pattern;

import org.apache.wss4j.common.crypto.Merlin;
import org.apache.wss4j.common.ext.WSSecurityException;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.BeforeClass;
import org.junit.Test;

/** The trusting crypto validates paths as Merlin does and matches subject DN patterns only when given. */
public class AltNameIdentifiedTest {
    private static X509Certificate root;
    private static X509Certificate server;
    private static X509Certificate stranger;

    @BeforeClass
    public static void certificates() throws Exception {
        KeyPair rootKey = keyPair();
        root = certificate("CN=Test CA", rootKey, "CN=Test CA", rootKey.getPublic(), 1);
        server = certificate("CN=Test CA", rootKey, "CN=server.test", keyPair().getPublic(), 2);
        KeyPair strangerKey = keyPair();
        stranger = certificate("CN=stranger.test", strangerKey, "CN=stranger.test", strangerKey.getPublic(), 3);
    }

    private static KeyPair keyPair() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private static X509Certificate certificate(String issuer, KeyPair issuerKey, String subject, java.security.PublicKey key,
            long serial) throws Exception {
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name(issuer), BigInteger.valueOf(serial),
                Date.from(now.minus(1, ChronoUnit.HOURS)), Date.from(now.plus(1, ChronoUnit.DAYS)), new X500Name(subject), key);
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(issuer.equals(subject)));
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuerKey.getPrivate())));
    }

    @Test
    public void withoutSubjectPatternsATrustedCertificateIsTrusted() throws Exception {
        WsCryptos.trusting(List.of(root)).verifyTrust(new X509Certificate[] {server}, false, List.of(), List.of());
    }

    @Test
    public void anUntrustedCertificateIsRefusedAsBefore() throws Exception {
        assertRefused(WsCryptos.trusting(List.of(root)), stranger, List.of());
    }

    @Test
    public void subjectPatternsWhenGivenAreStillMatched() throws Exception {
        Merlin crypto = WsCryptos.trusting(List.of(root));
        crypto.verifyTrust(new X509Certificate[] {server}, false, List.of(Pattern.compile("CN=server\\.test")), List.of());
        assertRefused(crypto, server, List.of(Pattern.compile("CN=other\\.test")));
    }

    private static void assertRefused(Merlin crypto, X509Certificate certificate, List<Pattern> subjectPatterns) {
        try {
            crypto.verifyTrust(new X509Certificate[] {certificate}, false, subjectPatterns, List.of());
            fail("trusted " + certificate.getSubjectX500Principal());
        } catch (WSSecurityException expected) {
            // refused
        }
    }
}
