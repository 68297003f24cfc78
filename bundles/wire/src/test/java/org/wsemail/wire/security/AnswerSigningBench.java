package org.wsemail.wire.security;

import java.io.ByteArrayOutputStream;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;

import javax.xml.soap.MessageFactory;
import javax.xml.soap.SOAPPart;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamWriter;

import org.apache.cxf.binding.soap.saaj.SAAJStreamWriter;
import org.apache.cxf.staxutils.StaxUtils;
import org.apache.wss4j.common.WSEncryptionPart;
import org.apache.wss4j.common.crypto.Merlin;
import org.apache.wss4j.dom.WSConstants;
import org.apache.wss4j.dom.message.WSSecHeader;
import org.apache.wss4j.dom.message.WSSecSignature;
import org.apache.wss4j.dom.message.WSSecTimestamp;
import org.apache.wss4j.stax.setup.OutboundWSSec;

/**
 * A benchmark, not a test (docs/security-header-bench.sh answers runs it): a server's answer signed and
 * written the way answers were before ({@code dom}: the answer built as a SAAJ tree, the policy's
 * Timestamp header and the signed header of {@link ResponseSignatures#ROLE} added by WS-Security's
 * DOM implementation, the tree then written out) and the way they are now ({@code streamed}:
 * {@link StreamedSecurityHeader} over a writer that adds the policy's Timestamp). Both with an
 * Ed25519 key, the signature computed by {@link BouncyCastleEd25519}, the certificate named by
 * thumbprint, an answer body of about 4 KB. The two alternate, round by round, in one JVM; each
 * round prints microseconds and bytes per answer.
 *
 * <p>Arguments: answers per round (2000), rounds (8).
 */
public final class AnswerSigningBench {
    /** Lines of text in the answer's body: about 4 KB. */
    private static final int LINES = 40;

    private final MessageFactory soap = MessageFactory.newInstance();
    private final XMLOutputFactory output = XMLOutputFactory.newInstance();
    private final BouncyCastleEd25519 edDsa = new BouncyCastleEd25519();
    private final Merlin crypto;
    private final StreamedSecurityHeader streamed;
    private final OutboundWSSec policyTimestamp;

    private AnswerSigningBench() throws Exception {
        KeyPair key = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        X509Certificate certificate = TestCertificates.authority("CN=Bench CA").issue("CN=server.test", key.getPublic(), 2);
        crypto = WsCryptos.withKey("server", key.getPrivate(), certificate);
        edDsa.registerForStreamedSignatures();
        streamed = StreamedSecurityHeader.answerSignature(ResponseSignatures.signing(key.getPrivate(), new X509Certificate[] {certificate}),
                edDsa);
        policyTimestamp = AnswerWriting.policyTimestamp();
    }

    public static void main(String[] args) throws Exception {
        AnswerSigningBench bench = new AnswerSigningBench();
        AlternatingRounds.run(args, bench::streamed, bench::dom);
    }

    private long streamed() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AnswerWriting.write(streamed.writer(true, AnswerWriting.below(policyTimestamp, out), "UTF-8"), LINES);
        return out.size();
    }

    private long dom() throws Exception {
        SOAPPart answer = soap.createMessage().getSOAPPart();
        AnswerWriting.write(new SAAJStreamWriter(answer), LINES);
        WSSecHeader policyHeader = new WSSecHeader(null, true, answer);
        policyHeader.insertSecurityHeader();
        new WSSecTimestamp(policyHeader).build();
        WSSecHeader header = new WSSecHeader(ResponseSignatures.ROLE, true, answer);
        header.insertSecurityHeader();
        new WSSecTimestamp(header).build();
        WSSecSignature signature = new WSSecSignature(header);
        signature.setUserInfo("server", WsCryptos.keyPassword());
        signature.setSignatureAlgorithm(MessageSignatures.ED25519);
        signature.setSignatureProvider(edDsa);
        signature.setDigestAlgo(WSConstants.SHA256);
        signature.setSigCanonicalization(WSConstants.C14N_EXCL_OMIT_COMMENTS);
        signature.setAddInclusivePrefixes(false);
        signature.setKeyIdentifierType(WSConstants.THUMBPRINT_IDENTIFIER);
        signature.getParts().add(new WSEncryptionPart("Timestamp", WSConstants.WSU_NS, "Element"));
        signature.getParts().add(new WSEncryptionPart("Body", AnswerWriting.SOAP_NS, "Element"));
        signature.build(crypto);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        XMLStreamWriter writer = output.createXMLStreamWriter(out, "UTF-8");
        StaxUtils.copy(answer, writer);
        writer.flush();
        return out.size();
    }
}
