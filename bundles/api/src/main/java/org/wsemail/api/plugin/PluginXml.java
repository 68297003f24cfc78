package org.wsemail.api.plugin;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.DOMImplementation;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * XML for extension plug-ins: their answers, built on a parser factory that is namespace-aware and
 * refuses document type declarations and external entities (the server's own XML code uses the same
 * one), and reading the children of a request. Thread-safe.
 */
public final class PluginXml {
    /**
     * Where new, empty documents come from: the parser's DOM implementation, found once. Creating a
     * parser for each document (what {@code newDocumentBuilder().newDocument()} does) cost more than
     * the document, under a lock all callers shared.
     */
    private static final DOMImplementation DOM = domImplementation();

    private PluginXml() {
    }

    /**
     * A new, hardened parser factory: namespace-aware, no document type declarations (so no entity
     * expansion and no external entities), secure processing on.
     */
    public static DocumentBuilderFactory secureDocumentBuilderFactory() {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setExpandEntityReferences(false);
        factory.setXIncludeAware(false);
        try {
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the XML parser cannot be made safe", e);
        }
        return factory;
    }

    private static DOMImplementation domImplementation() {
        try {
            return secureDocumentBuilderFactory().newDocumentBuilder().getDOMImplementation();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("cannot create XML documents", e);
        }
    }

    /** A new, empty document (no document element). */
    public static Document newDocument() {
        return DOM.createDocument(null, null, null);
    }

    /**
     * The root element of a new document, without a namespace: the start of an answer.
     *
     * @param name its local name, e.g. {@code entries}
     */
    public static Element answer(String name) {
        Document document = newDocument();
        Element root = document.createElementNS(null, name);
        document.appendChild(root);
        return root;
    }

    /** Appends a child element without a namespace to {@code parent} and returns it. */
    public static Element add(Element parent, String name) {
        Element child = parent.getOwnerDocument().createElementNS(null, name);
        parent.appendChild(child);
        return child;
    }

    /** Appends a child element holding {@code text} to {@code parent} and returns it. */
    public static Element add(Element parent, String name, String text) {
        Element child = add(parent, name);
        child.setTextContent(text);
        return child;
    }

    /** The first child element of {@code parent} with this local name, or null. */
    public static Element child(Element parent, String name) {
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && name.equals(element.getLocalName())) {
                return element;
            }
        }
        return null;
    }

    /** The text of the first child element of {@code parent} with this local name, or null. */
    public static String childText(Element parent, String name) {
        Element child = child(parent, name);
        return child == null ? null : child.getTextContent();
    }

    /**
     * The value of an attribute of the request, or null when it is absent (DOM's own {@code
     * getAttribute} answers an empty string, which cannot be told from an empty value).
     */
    public static String attribute(Element element, String name) {
        return element.hasAttribute(name) ? element.getAttribute(name) : null;
    }
}
