package org.wsemail.remoteservices.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;

import javax.xml.namespace.QName;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.wsemail.api.plugin.PluginXml;
import org.xml.sax.SAXException;

/** What a contract names: its one service and that service's one port. */
final class Wsdl {
    private static final String WSDL_NS = "http://schemas.xmlsoap.org/wsdl/";

    private Wsdl() {
    }

    record ServiceAndPort(QName service, QName port) {
    }

    /**
     * The service and port of a WSDL that defines exactly one of each.
     *
     * @throws IllegalArgumentException if it cannot be read or defines other than one service with one port
     */
    static ServiceAndPort serviceAndPort(URL wsdl) {
        Element definitions;
        try (InputStream in = wsdl.openStream()) {
            definitions = PluginXml.secureDocumentBuilderFactory().newDocumentBuilder().parse(in).getDocumentElement();
        } catch (IOException | SAXException | ParserConfigurationException e) {
            throw new IllegalArgumentException("cannot read the contract " + wsdl + ": " + e.getMessage(), e);
        }
        String namespace = definitions.getAttribute("targetNamespace");
        NodeList services = definitions.getElementsByTagNameNS(WSDL_NS, "service");
        if (services.getLength() != 1) {
            throw new IllegalArgumentException("the contract " + wsdl + " defines " + services.getLength()
                    + " services; an endpoint needs one");
        }
        Element service = (Element) services.item(0);
        NodeList ports = service.getElementsByTagNameNS(WSDL_NS, "port");
        if (ports.getLength() != 1) {
            throw new IllegalArgumentException("the service of " + wsdl + " has " + ports.getLength() + " ports; an endpoint needs one");
        }
        return new ServiceAndPort(new QName(namespace, service.getAttribute("name")),
                new QName(namespace, ((Element) ports.item(0)).getAttribute("name")));
    }
}
