package org.wsemail.wire.security;

import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.wss4j.common.ext.WSSecurityException;
import org.junit.BeforeClass;
import org.junit.Test;

/** The answers' trust check remembers a validated chain, and still refuses it once it has expired. */
public class ResponseSignaturesTest {
    private static TestCertificates.Authority authority;
    private static X509Certificate root;

    @BeforeClass
    public static void authority() throws Exception {
        authority = TestCertificates.authority("CN=Test CA");
        root = authority.certificate();
    }

    private static ResponseSignatures.PresentedInTls trusting(X509Certificate anchor) {
        ResponseSignatures.PresentedInTls crypto = new ResponseSignatures.PresentedInTls(new ConcurrentHashMap<>());
        crypto.setTrustStore(WsCryptos.trustStore(List.of(anchor)));
        return crypto;
    }

    @Test
    public void aRememberedChainIsRefusedOnceItsCertificateHasExpired() throws Exception {
        Instant notAfter = Instant.now().plusSeconds(2);
        X509Certificate server = TestCertificates.certificate("CN=Test CA", authority.key(), "CN=server.test",
                TestCertificates.keyPair().getPublic(), 2, notAfter);
        ResponseSignatures.PresentedInTls crypto = trusting(root);

        crypto.verifyTrust(new X509Certificate[] {server}, false, List.of(), List.of());
        crypto.verifyTrust(new X509Certificate[] {server}, false, List.of(), List.of());

        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!Instant.now().isAfter(notAfter.plusSeconds(1))) {
            assertTrue("the certificate never expired", System.nanoTime() < deadline);
            Thread.sleep(100);
        }
        assertRefused(crypto, server);
    }

    @Test
    public void aChainThatFailedIsNotRememberedAndFailsAgain() throws Exception {
        KeyPair strangerKey = TestCertificates.keyPair();
        X509Certificate stranger = TestCertificates.certificate("CN=stranger.test", strangerKey, "CN=stranger.test",
                strangerKey.getPublic(), 3);
        ResponseSignatures.PresentedInTls crypto = trusting(root);

        assertRefused(crypto, stranger);
        assertRefused(crypto, stranger);
    }

    @Test
    public void aChainRememberedByOneCallerIsNotTrustedByAnotherWithOtherRoots() throws Exception {
        X509Certificate server = authority.issue("CN=server.test", TestCertificates.keyPair().getPublic(), 4);
        trusting(root).verifyTrust(new X509Certificate[] {server}, false, List.of(), List.of());

        assertRefused(trusting(TestCertificates.authority("CN=Other CA").certificate()),
                server);
    }

    private static void assertRefused(ResponseSignatures.PresentedInTls crypto, X509Certificate certificate) {
        try {
            crypto.verifyTrust(new X509Certificate[] {certificate}, false, List.of(), List.of());
            fail("trusted " + certificate.getSubjectX500Principal());
        } catch (WSSecurityException expected) {
            // refused
        }
    }
}
