package org.wsemail.wire.security;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

import org.apache.wss4j.common.ConfigurationConstants;
import org.apache.wss4j.common.ext.WSSecurityException;
import org.apache.wss4j.stax.setup.ConfigurationConverter;
import org.apache.wss4j.stax.setup.OutboundWSSec;
import org.apache.wss4j.stax.setup.WSSec;
import org.apache.xml.security.stax.impl.OutboundSecurityContextImpl;
import org.w3c.dom.Document;

/** Answers written as CXF writes them, for the streaming signature's test and benchmark. */
final class AnswerWriting {
    static final String SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/";
    /** The namespace and the name of the answer element in the Body. */
    static final String ANSWER_NS = "urn:wsemail:bench";
    static final String ANSWER = "retrieveResponse";

    private AnswerWriting() {
    }

    /** What CXF's streaming policy interceptor does for a policy that asks for a Timestamp alone. */
    static OutboundWSSec policyTimestamp() throws WSSecurityException {
        Map<String, Object> policy = new HashMap<>();
        policy.put(ConfigurationConstants.ACTION, ConfigurationConstants.TIMESTAMP);
        return WSSec.getOutboundWSSec(ConfigurationConverter.convert(policy));
    }

    /** The policy's writer over {@code out}, its XML declaration written, as the policy interceptor leaves it. */
    static XMLStreamWriter below(OutboundWSSec policy, OutputStream out) throws WSSecurityException, XMLStreamException {
        XMLStreamWriter writer = policy.processOutMessage((Object) out, "UTF-8", new OutboundSecurityContextImpl());
        writer.writeStartDocument("UTF-8", "1.0");
        return writer;
    }

    /** An answer through {@code writer}, ended and closed (see {@link #envelope}). */
    static void write(XMLStreamWriter writer, int lines) throws XMLStreamException {
        envelope(writer, lines);
        writer.writeEndDocument();
        writer.flush();
        writer.close();
    }

    /**
     * An answer's envelope through {@code writer}, the document left open as a chain's ending
     * interceptor expects: an empty header, a Body whose answer element holds {@code lines} lines
     * of text.
     */
    static void envelope(XMLStreamWriter writer, int lines) throws XMLStreamException {
        writer.writeStartElement("soap", "Envelope", SOAP_NS);
        writer.writeNamespace("soap", SOAP_NS);
        writer.writeStartElement("soap", "Header", SOAP_NS);
        writer.writeEndElement();
        writer.writeStartElement("soap", "Body", SOAP_NS);
        writer.writeStartElement("m", ANSWER, ANSWER_NS);
        writer.writeNamespace("m", ANSWER_NS);
        for (int line = 0; line < lines; line++) {
            writer.writeStartElement("m", "line", ANSWER_NS);
            writer.writeAttribute("n", String.valueOf(line));
            writer.writeCharacters("Line " + line + " of the mail, with about as many words as a line of a mail has.");
            writer.writeEndElement();
        }
        writer.writeEndElement();
        writer.writeEndElement();
        writer.writeEndElement();
    }

    /** Written bytes parsed, namespace-aware, as a receiver's DOM check takes them. */
    static Document parsed(byte[] written) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(written));
    }
}
