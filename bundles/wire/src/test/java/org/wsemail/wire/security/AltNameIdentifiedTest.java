package org.wsemail.wire.security;

import static org.junit.Assert.fail;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.regex.Pattern;

import org.apache.wss4j.common.crypto.Merlin;
import org.apache.wss4j.common.ext.WSSecurityException;
import org.junit.BeforeClass;
import org.junit.Test;

/** The trusting crypto validates paths as Merlin does and matches subject DN patterns only when given. */
public class AltNameIdentifiedTest {
    private static X509Certificate root;
    private static X509Certificate server;
    private static X509Certificate stranger;

    @BeforeClass
    public static void certificates() throws Exception {
        KeyPair rootKey = TestCertificates.keyPair();
        root = TestCertificates.certificate("CN=Test CA", rootKey, "CN=Test CA", rootKey.getPublic(), 1);
        server = TestCertificates.certificate("CN=Test CA", rootKey, "CN=server.test", TestCertificates.keyPair().getPublic(), 2);
        KeyPair strangerKey = TestCertificates.keyPair();
        stranger = TestCertificates.certificate("CN=stranger.test", strangerKey, "CN=stranger.test", strangerKey.getPublic(), 3);
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
