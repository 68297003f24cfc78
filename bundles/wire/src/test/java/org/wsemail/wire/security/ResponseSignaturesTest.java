package org.wsemail.wire.security;

import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.wss4j.common.ext.WSSecurityException;
import org.apache.wss4j.dom.WSConstants;
import org.apache.wss4j.dom.WSDataRef;
import org.apache.wss4j.dom.engine.WSSecurityEngineResult;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The answers' trust check remembers a validated chain, and still refuses it once it has expired;
 * a verified answer signature is taken only with WSEmail's algorithms.
 */
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

    @Test
    public void anAnswerSignedWithEd25519OrRsa2048InTheSuiteIsTaken() throws Exception {
        assertNull(ResponseSignatures.AnswerVerifier.refusedAlgorithm(signature(MessageSignatures.ED25519,
                WSConstants.C14N_EXCL_OMIT_COMMENTS, WSConstants.SHA256, key("Ed25519", 0))));
        assertNull(ResponseSignatures.AnswerVerifier.refusedAlgorithm(signature(WSConstants.RSA_SHA256,
                WSConstants.C14N_EXCL_OMIT_COMMENTS, WSConstants.SHA256, key("RSA", 2048))));
    }

    @Test
    public void anAnswerSignedOutsideTheSuiteIsRefused() throws Exception {
        PublicKey ed25519 = key("Ed25519", 0);
        assertRefusedFor("the signature method http://www.w3.org/2000/09/xmldsig#rsa-sha1",
                signature(WSConstants.RSA_SHA1, WSConstants.C14N_EXCL_OMIT_COMMENTS, WSConstants.SHA256, key("RSA", 2048)));
        assertRefusedFor("the canonicalization " + WSConstants.C14N_OMIT_COMMENTS,
                signature(MessageSignatures.ED25519, WSConstants.C14N_OMIT_COMMENTS, WSConstants.SHA256, ed25519));
        assertRefusedFor("the digest " + WSConstants.SHA1,
                signature(MessageSignatures.ED25519, WSConstants.C14N_EXCL_OMIT_COMMENTS, WSConstants.SHA1, ed25519));
        assertRefusedFor("an RSA key of 1024 bits",
                signature(WSConstants.RSA_SHA256, WSConstants.C14N_EXCL_OMIT_COMMENTS, WSConstants.SHA256, key("RSA", 1024)));
    }

    private static void assertRefusedFor(String reason, WSSecurityEngineResult signature) {
        String refused = ResponseSignatures.AnswerVerifier.refusedAlgorithm(signature);
        assertTrue("refused for " + reason + ", not " + refused, reason.equals(refused));
    }

    private static PublicKey key(String algorithm, int bits) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
        if (bits > 0) {
            generator.initialize(bits);
        }
        return generator.generateKeyPair().getPublic();
    }

    /** What WS-Security reports of a signature it verified, over one reference. */
    private static WSSecurityEngineResult signature(String method, String canonicalization, String digest, PublicKey key)
            throws Exception {
        WSDataRef reference = new WSDataRef();
        reference.setDigestAlgorithm(digest);
        WSSecurityEngineResult result = new WSSecurityEngineResult(WSConstants.SIGN, List.of(reference));
        result.put(WSSecurityEngineResult.TAG_SIGNATURE_METHOD, method);
        result.put(WSSecurityEngineResult.TAG_CANONICALIZATION_METHOD, canonicalization);
        result.put(WSSecurityEngineResult.TAG_X509_CERTIFICATE, authority.issue("CN=server.test", key, 5));
        return result;
    }
}
