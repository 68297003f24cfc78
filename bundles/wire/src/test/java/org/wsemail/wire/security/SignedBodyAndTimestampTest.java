package org.wsemail.wire.security;

import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.StringReader;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import org.apache.cxf.binding.soap.SoapFault;
import org.apache.cxf.binding.soap.SoapMessage;
import org.apache.cxf.message.MessageImpl;
import org.apache.wss4j.common.WSEncryptionPart;
import org.apache.wss4j.common.crypto.Merlin;
import org.apache.wss4j.dom.WSConstants;
import org.apache.wss4j.dom.engine.WSSecurityEngine;
import org.apache.wss4j.dom.handler.RequestData;
import org.apache.wss4j.dom.handler.WSHandlerConstants;
import org.apache.wss4j.dom.handler.WSHandlerResult;
import org.apache.wss4j.dom.message.WSSecHeader;
import org.apache.wss4j.dom.message.WSSecSignature;
import org.apache.wss4j.dom.message.WSSecTimestamp;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.BeforeClass;
import org.junit.Test;
import org.w3c.dom.Document;
import org.xml.sax.InputSource;

/**
 * The coverage check that replaced CXF's XPath one: a signature that verifies is not enough, it
 * must cover the envelope's Body and the Timestamp. Messages are signed and verified by WSS4J itself.
 */
public class SignedBodyAndTimestampTest {
    private static final String SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/";
    private static Merlin crypto;

    @BeforeClass
    public static void key() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        Instant now = Instant.now();
        X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                new X500Name("CN=server.test"), BigInteger.ONE, Date.from(now.minus(1, ChronoUnit.HOURS)),
                Date.from(now.plus(1, ChronoUnit.DAYS)), new X500Name("CN=server.test"), pair.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())));
        crypto = WsCryptos.withKey("server", pair.getPrivate(), certificate);
        crypto.setTrustStore(WsCryptos.trustStore(List.of(certificate)));
    }

    /** A response with a Timestamp, signed over {@code parts} ("Timestamp", "Body"), with {@code extraBody} after its Body. */
    private static Document signed(List<String> parts, String extraBody) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Document doc = factory.newDocumentBuilder().parse(new InputSource(new StringReader("<soap:Envelope xmlns:soap=\"" + SOAP_NS
                + "\"><soap:Header/><soap:Body><answer xmlns=\"urn:test\">yes</answer></soap:Body>" + extraBody
                + "</soap:Envelope>")));
        WSSecHeader header = new WSSecHeader(doc);
        header.insertSecurityHeader();
        new WSSecTimestamp(header).build();
        WSSecSignature signature = new WSSecSignature(header);
        signature.setUserInfo("server", WsCryptos.keyPassword());
        signature.setSignatureAlgorithm(WSConstants.RSA_SHA256);
        signature.setDigestAlgo(WSConstants.SHA256);
        signature.setKeyIdentifierType(WSConstants.BST_DIRECT_REFERENCE);
        for (String part : parts) {
            signature.getParts().add(part.equals("Body") ? new WSEncryptionPart("Body", SOAP_NS, "Element")
                    : new WSEncryptionPart("Timestamp", WSConstants.WSU_NS, "Element"));
        }
        signature.build(crypto);
        return doc;
    }

    /** What the WS-Security interceptor leaves in the message after verifying {@code doc}. */
    private static SoapMessage verified(Document doc) throws Exception {
        RequestData data = new RequestData();
        data.setSigVerCrypto(crypto);
        WSHandlerResult result = new WSSecurityEngine().processSecurityHeader(doc, data);
        SoapMessage message = new SoapMessage(new MessageImpl());
        message.put(WSHandlerConstants.RECV_RESULTS, List.of(result));
        return message;
    }

    private static void assertRefused(Document doc) throws Exception {
        try {
            new SignedBodyAndTimestamp("verifier").handleMessage(verified(doc));
            fail("accepted a signature that does not cover body and timestamp");
        } catch (SoapFault expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("does not cover its body and timestamp"));
        }
    }

    @Test
    public void aSignatureOverBodyAndTimestampPasses() throws Exception {
        new SignedBodyAndTimestamp("verifier").handleMessage(verified(signed(List.of("Timestamp", "Body"), "")));
    }

    @Test
    public void aSignatureOverTheTimestampAloneIsRefused() throws Exception {
        assertRefused(signed(List.of("Timestamp"), ""));
    }

    @Test
    public void aSignatureOverTheBodyAloneIsRefused() throws Exception {
        assertRefused(signed(List.of("Body"), ""));
    }

    @Test
    public void aSignedBodyThatIsNotTheOneReadIsRefused() throws Exception {
        // The signed Body moved behind a new first Body, the one a reader would take.
        Document doc = signed(List.of("Timestamp", "Body"), "");
        org.w3c.dom.Element envelope = doc.getDocumentElement();
        org.w3c.dom.Element signedBody = (org.w3c.dom.Element) doc.getElementsByTagNameNS(SOAP_NS, "Body").item(0);
        org.w3c.dom.Element forged = doc.createElementNS(SOAP_NS, "soap:Body");
        forged.appendChild(doc.createElementNS("urn:test", "answer")).setTextContent("no");
        envelope.insertBefore(forged, signedBody);
        assertRefused(doc);
    }

    @Test
    public void noSignatureAtAllIsRefused() throws Exception {
        SoapMessage message = new SoapMessage(new MessageImpl());
        try {
            new SignedBodyAndTimestamp("verifier").handleMessage(message);
            fail("accepted a message without results");
        } catch (SoapFault expected) {
            assertTrue(expected.getMessage().contains("does not cover"));
        }
    }
}
