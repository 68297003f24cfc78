package org.wsemail.remoteservices.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.wsemail.api.plugin.PluginXml;
import org.xml.sax.SAXException;

/**
 * A contract as an endpoint serves it: the WSDL its service names, with the WS-SecurityPolicy of
 * each of the endpoint's intents attached to its binding, so that a client built from the served
 * WSDL alone knows what the endpoint requires, and CXF enforces exactly what the contract states.
 * One WSDL file can serve several endpoints that log in differently (the client service is
 * published three times), so each endpoint gets a copy of its own, written with the schemas it
 * refers to into a folder of the endpoint's.
 */
final class StatedContract {
    static final String WSDL_NS = "http://schemas.xmlsoap.org/wsdl/";
    static final String XSD_NS = "http://www.w3.org/2001/XMLSchema";
    static final String WSP_NS = "http://www.w3.org/ns/ws-policy";
    static final String WSU_NS = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";

    /** Where the bundle that registers an intent keeps the intent's policy: {@code policies/<intent name>.xml}. */
    static String policyEntry(String intent) {
        return "policies/" + intent + ".xml";
    }

    private StatedContract() {
    }

    /**
     * A policy document: its {@code wsp:Policy} element, which must carry a {@code wsu:Id} for the
     * binding to refer to.
     *
     * @throws IllegalArgumentException if it cannot be read or is not such a policy
     */
    static Element policy(URL entry) {
        Element policy = read(entry).getDocumentElement();
        if (!WSP_NS.equals(policy.getNamespaceURI()) || !"Policy".equals(policy.getLocalName())
                || policy.getAttributeNS(WSU_NS, "Id").isEmpty()) {
            throw new IllegalArgumentException("the policy " + entry + " is not a wsp:Policy with a wsu:Id");
        }
        return policy;
    }

    /**
     * Writes into {@code folder} the WSDL at {@code wsdl} with {@code policies} attached to its one
     * binding, and the schemas and WSDL files it refers to by relative locations beside it.
     *
     * @return where the written WSDL is
     * @throws IllegalArgumentException if the contract cannot be read or has other than one binding
     */
    static URL write(URL wsdl, List<Element> policies, Path folder) {
        Document contract = read(wsdl);
        Element definitions = contract.getDocumentElement();
        NodeList bindings = definitions.getElementsByTagNameNS(WSDL_NS, "binding");
        if (bindings.getLength() != 1) {
            throw new IllegalArgumentException("the contract " + wsdl + " defines " + bindings.getLength()
                    + " bindings; an endpoint with a security policy needs one");
        }
        Element binding = (Element) bindings.item(0);
        Node first = definitions.getFirstChild();
        for (Element policy : policies) {
            definitions.insertBefore(contract.importNode(policy, true), first);
            Element reference = contract.createElementNS(WSP_NS, "wsp:PolicyReference");
            reference.setAttribute("URI", "#" + policy.getAttributeNS(WSU_NS, "Id"));
            binding.insertBefore(reference, binding.getFirstChild());
        }
        try {
            Files.createDirectories(folder);
            Path written = folder.resolve(fileName(wsdl));
            copyReferenced(wsdl, contract, folder, new HashSet<>(Set.of(wsdl.toExternalForm())));
            try (OutputStream out = Files.newOutputStream(written)) {
                Transformer transformer = TransformerFactory.newInstance().newTransformer();
                transformer.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
                transformer.transform(new DOMSource(contract), new StreamResult(out));
            }
            return written.toUri().toURL();
        } catch (IOException | TransformerException e) {
            throw new IllegalArgumentException("cannot write the contract of " + wsdl + " to " + folder + ": " + e.getMessage(), e);
        }
    }

    /**
     * Copies what a document refers to by relative location (schemas it imports or includes, WSDL
     * files it imports), and what those refer to, keeping their paths relative to {@code folder}.
     */
    private static void copyReferenced(URL base, Document document, Path folder, Set<String> seen) throws IOException {
        List<String> locations = new ArrayList<>();
        for (String name : List.of("import", "include", "redefine")) {
            collect(document.getElementsByTagNameNS(XSD_NS, name), "schemaLocation", locations);
        }
        collect(document.getElementsByTagNameNS(WSDL_NS, "import"), "location", locations);
        for (String location : locations) {
            URI relative = URI.create(location);
            if (relative.isAbsolute() || location.startsWith("/") || location.contains("..")) {
                throw new IllegalArgumentException(base + " refers to " + location
                        + ": a contract with a security policy may refer only to files beside it or below");
            }
            URL referenced = new URL(base, location);
            if (!seen.add(referenced.toExternalForm())) {
                continue;
            }
            Path target = folder.resolve(location).normalize();
            Files.createDirectories(target.getParent());
            try (InputStream in = referenced.openStream()) {
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
            copyReferenced(referenced, read(referenced), target.getParent(), seen);
        }
    }

    private static void collect(NodeList elements, String attribute, List<String> into) {
        for (int i = 0; i < elements.getLength(); i++) {
            String location = ((Element) elements.item(i)).getAttribute(attribute);
            if (!location.isEmpty()) {
                into.add(location);
            }
        }
    }

    private static String fileName(URL url) {
        String path = url.getPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static Document read(URL url) {
        try (InputStream in = url.openStream()) {
            return PluginXml.secureDocumentBuilderFactory().newDocumentBuilder().parse(in);
        } catch (IOException | SAXException | ParserConfigurationException e) {
            throw new IllegalArgumentException("cannot read " + url + ": " + e.getMessage(), e);
        }
    }
}
