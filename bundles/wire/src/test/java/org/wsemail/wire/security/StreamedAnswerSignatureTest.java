package org.wsemail.wire.security;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayOutputStream;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.cxf.binding.soap.SoapMessage;
import org.apache.cxf.message.MessageImpl;
import org.apache.wss4j.common.ext.WSSecurityException;
import org.apache.wss4j.dom.WSConstants;
import org.apache.wss4j.dom.engine.WSSecurityEngine;
import org.apache.wss4j.dom.engine.WSSecurityEngineResult;
import org.apache.wss4j.dom.handler.RequestData;
import org.apache.wss4j.dom.handler.WSHandlerConstants;
import org.apache.wss4j.dom.handler.WSHandlerResult;
import org.apache.xml.security.algorithms.JCEMapper;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * An answer written through the streaming signature, on top of a writer that adds the policy's
 * Timestamp header as CXF's streaming policy interceptor does, is checked by WS-Security's DOM
 * implementation, as a WSEmail caller checks it: the signature verifies, covers the Body and its
 * header's Timestamp, and names or carries the certificate as asked; the other header is left for a
 * caller that knows only the contract.
 */
public class StreamedAnswerSignatureTest {
    private static final BouncyCastleEd25519 ED_DSA = new BouncyCastleEd25519();
    private static X509Certificate certificate;
    private static StreamedSecurityHeader signature;
    private static X509Certificate root;

    @BeforeClass
    public static void serverKey() throws Exception {
        TestCertificates.Authority authority = TestCertificates.authority("CN=Test CA");
        KeyPair key = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        certificate = authority.issue("CN=server.test", key.getPublic(), 7);
        ED_DSA.registerForStreamedSignatures();
        signature = StreamedSecurityHeader.answerSignature(ResponseSignatures.signing(key.getPrivate(), new X509Certificate[] {certificate}),
                ED_DSA);
        root = authority.certificate();
    }

    /** An answer of one line, through the signature and then a policy's Timestamp, parsed. */
    private static Document answer(boolean namesCertificate) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AnswerWriting.write(signature.writer(namesCertificate, AnswerWriting.below(AnswerWriting.policyTimestamp(), out), "UTF-8"), 1);
        return AnswerWriting.parsed(out.toByteArray());
    }

    /** The security headers of {@code doc}, by their actor ("" for the one without). */
    private static Map<String, Element> securityHeaders(Document doc) {
        Map<String, Element> headers = new HashMap<>();
        NodeList found = doc.getElementsByTagNameNS(WSConstants.WSSE_NS, "Security");
        for (int i = 0; i < found.getLength(); i++) {
            Element header = (Element) found.item(i);
            headers.put(header.getAttributeNS(AnswerWriting.SOAP_NS, "actor"), header);
        }
        return headers;
    }

    /** What WSEmail's caller checks: the signature in the answers' header, with the certificate presented in TLS known. */
    private static SoapMessage verified(Document doc) throws WSSecurityException {
        ResponseSignatures.PresentedInTls crypto = new ResponseSignatures.PresentedInTls(
                new java.util.concurrent.ConcurrentHashMap<>(Map.of(ResponseSignatures.thumbprint(certificate),
                        new X509Certificate[] {certificate})));
        crypto.setTrustStore(WsCryptos.trustStore(List.of(root)));
        RequestData data = new RequestData();
        data.setSigVerCrypto(crypto);
        data.setActor(ResponseSignatures.ROLE);
        WSHandlerResult result = new WSSecurityEngine().processSecurityHeader(doc, data);
        SoapMessage message = new SoapMessage(new MessageImpl());
        message.put(WSHandlerConstants.RECV_RESULTS, List.of(result));
        return message;
    }

    private static List<WSSecurityEngineResult> signatures(SoapMessage message) {
        List<WSSecurityEngineResult> found = new ArrayList<>();
        for (Object result : (List<?>) message.get(WSHandlerConstants.RECV_RESULTS)) {
            for (WSSecurityEngineResult action : ((WSHandlerResult) result).getResults()) {
                if (Integer.valueOf(WSConstants.SIGN).equals(action.get(WSSecurityEngineResult.TAG_ACTION))) {
                    found.add(action);
                }
            }
        }
        return found;
    }

    @Test
    public void anAnswerCarryingItsCertificateVerifiesOverBodyAndTimestampWithEd25519() throws Exception {
        Document doc = answer(false);
        Map<String, Element> headers = securityHeaders(doc);
        assertEquals("one header for WSEmail's callers, one for the policy: " + headers.keySet(), 2, headers.size());
        Element ours = headers.get(ResponseSignatures.ROLE);
        assertEquals(1, ours.getElementsByTagNameNS(WSConstants.WSSE_NS, "BinarySecurityToken").getLength());
        Element policy = headers.get("");
        assertEquals(1, policy.getElementsByTagNameNS(WSConstants.WSU_NS, "Timestamp").getLength());
        assertEquals("the policy's header holds its Timestamp alone", 0,
                policy.getElementsByTagNameNS(WSConstants.SIG_NS, "Signature").getLength());

        SoapMessage message = verified(doc);
        new SignedBodyAndTimestamp("verifier").handleMessage(message);
        List<WSSecurityEngineResult> signed = signatures(message);
        assertEquals(1, signed.size());
        assertEquals(MessageSignatures.ED25519, signed.get(0).get(WSSecurityEngineResult.TAG_SIGNATURE_METHOD));
        assertEquals(null, ResponseSignatures.AnswerVerifier.refusedAlgorithm(signed.get(0)));
        assertEquals(certificate, signed.get(0).get(WSSecurityEngineResult.TAG_X509_CERTIFICATE));
    }

    @Test
    public void anAnswerNamingItsCertificateByThumbprintCarriesNoneAndVerifies() throws Exception {
        Document doc = answer(true);
        Element ours = securityHeaders(doc).get(ResponseSignatures.ROLE);
        assertEquals(0, ours.getElementsByTagNameNS(WSConstants.WSSE_NS, "BinarySecurityToken").getLength());
        assertTrue(((Element) ours.getElementsByTagNameNS(WSConstants.WSSE_NS, "KeyIdentifier").item(0)).getAttributeNS(null, "ValueType")
                .endsWith("#ThumbprintSHA1"));

        SoapMessage message = verified(doc);
        new SignedBodyAndTimestamp("verifier").handleMessage(message);
        assertEquals(certificate, signatures(message).get(0).get(WSSecurityEngineResult.TAG_X509_CERTIFICATE));
    }

    @Test
    public void aChangedBodyNoLongerVerifies() throws Exception {
        Document doc = answer(false);
        doc.getElementsByTagNameNS(AnswerWriting.ANSWER_NS, AnswerWriting.ANSWER).item(0).setTextContent("lost");
        try {
            verified(doc);
            fail("a changed answer verified");
        } catch (WSSecurityException expected) {
            assertEquals(WSSecurityException.ErrorCode.FAILED_CHECK, expected.getErrorCode());
        }
    }

    @AfterClass
    public static void unregister() {
        ED_DSA.unregister();
    }

    @Test
    public void theFastEd25519IsNamedForTheSignatureAloneAndTakesNoOtherRequest() throws Exception {
        assertEquals(ED_DSA.getName(), JCEMapper.getJCEProviderFromURI(MessageSignatures.ED25519));
        assertEquals(ED_DSA, java.security.Security.getProvider(ED_DSA.getName()));
        assertNotEquals("asked without a provider, Ed25519 is still the JVM's own", ED_DSA,
                Signature.getInstance("Ed25519").getProvider());
        assertEquals(null, JCEMapper.getJCEProviderFromURI(WSConstants.RSA_SHA256));
    }

    @Test
    public void anUnregisteredProviderIsRefusedAndUnregisteringLeavesTheJvmAsItWas() throws Exception {
        BouncyCastleEd25519 another = new BouncyCastleEd25519();
        Map<String, Object> options = ResponseSignatures.signing(
                KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate(), new X509Certificate[] {certificate});
        try {
            StreamedSecurityHeader.answerSignature(options, another);
            fail("a signer was built for a provider streamed signatures do not use");
        } catch (IllegalStateException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("not registered"));
        }
        another.unregister();
        assertEquals("unregistering another provider object changes nothing", ED_DSA,
                java.security.Security.getProvider(ED_DSA.getName()));

        another.registerForStreamedSignatures();
        try {
            assertEquals(another, java.security.Security.getProvider(another.getName()));
            StreamedSecurityHeader.answerSignature(options, another);
            another.unregister();
            assertNull(java.security.Security.getProvider(another.getName()));
            assertNull(JCEMapper.getJCEProviderFromURI(MessageSignatures.ED25519));
        } finally {
            ED_DSA.registerForStreamedSignatures();
        }
    }
}
