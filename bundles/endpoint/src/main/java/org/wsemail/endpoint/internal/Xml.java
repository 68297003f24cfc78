package org.wsemail.endpoint.internal;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;

import javax.xml.XMLConstants;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

import org.w3c.dom.Element;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.wsemail.wire.MessageCodec;

/** Moves message elements between text and DOM without changing a signed byte. */
final class Xml {

    private Xml() {
    }

    /** Parses trusted, stored XML (no DTDs, no external entities) into a document of its own. */
    static Element parse(String xml) {
        try {
            return MessageCodec.secureDocumentBuilderFactory().newDocumentBuilder()
                    .parse(new InputSource(new StringReader(xml))).getDocumentElement();
        } catch (ParserConfigurationException | SAXException | IOException e) {
            throw new IllegalStateException("stored message XML is not well-formed: " + e.getMessage(), e);
        }
    }

    /** The element as text, standing alone (see {@link MessageCodec#detached}). */
    static String standalone(MessageCodec codec, Element element) {
        try {
            Element own = codec.detached(element);
            TransformerFactory factory = TransformerFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            Transformer transformer = factory.newTransformer();
            transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            transformer.setOutputProperty(OutputKeys.INDENT, "no");
            StringWriter out = new StringWriter();
            transformer.transform(new DOMSource(own), new StreamResult(out));
            return out.toString();
        } catch (TransformerException e) {
            throw new IllegalStateException("cannot write the message element", e);
        }
    }
}
