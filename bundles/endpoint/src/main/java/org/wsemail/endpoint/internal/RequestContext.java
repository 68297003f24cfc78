package org.wsemail.endpoint.internal;

import java.security.Principal;
import java.util.ArrayList;
import java.util.List;

import javax.xml.soap.SOAPException;
import javax.xml.soap.SOAPHeader;
import javax.xml.soap.SOAPMessage;

import org.apache.cxf.message.Message;
import org.apache.cxf.phase.PhaseInterceptorChain;
import org.apache.cxf.security.SecurityContext;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.wsemail.api.Address;
import org.wsemail.api.AuthenticationMethod;
import org.wsemail.api.ProcessingEnvironment;
import org.wsemail.wire.security.EncryptedDelivery;

/** What the current SOAP request tells about its caller, read from CXF's message on this thread. */
final class RequestContext {
    private static final String WSSE_NS = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";

    /**
     * Where a WS-Security validator leaves the address it authenticated, when the principal WSS4J
     * records is not it (a certificate's subject, a token's signer).
     */
    static final String AUTHENTICATED_USER = "org.wsemail.authenticated.user";
    /** Where the certificate a user logged in with is kept on the CXF message. */
    static final String AUTHENTICATED_CERTIFICATE = "org.wsemail.authenticated.certificate";

    /** The caller of the request on this thread, as CXF's current message tells. */
    static final Caller CURRENT = new Caller() {
        @Override
        public Address user() {
            return authenticatedUser();
        }

        @Override
        public java.security.cert.X509Certificate certificate() {
            return authenticatedCertificate();
        }

        @Override
        public ProcessingEnvironment environment(Address caller, AuthenticationMethod method, boolean localUser) {
            return RequestContext.environment(caller, method, localUser);
        }

        @Override
        public boolean arrivedEncrypted() {
            return EncryptedDelivery.wasEncrypted(PhaseInterceptorChain.getCurrentMessage());
        }
    };

    private RequestContext() {
    }

    /** The authenticated user; WS-Security has already refused requests without one. */
    static Address authenticatedUser() {
        Message message = PhaseInterceptorChain.getCurrentMessage();
        if (message != null && message.get(AUTHENTICATED_USER) instanceof Address byCertificate) {
            return byCertificate;
        }
        SecurityContext security = message == null ? null : message.get(SecurityContext.class);
        Principal principal = security == null ? null : security.getUserPrincipal();
        if (principal == null) {
            throw new IllegalStateException("no authenticated caller on this request");
        }
        return Address.parse(principal.getName());
    }

    /** The certificate the caller logged in with, or null if they did not log in with one. */
    static java.security.cert.X509Certificate authenticatedCertificate() {
        Message message = PhaseInterceptorChain.getCurrentMessage();
        return message != null && message.get(AUTHENTICATED_CERTIFICATE)
                instanceof java.security.cert.X509Certificate certificate ? certificate : null;
    }

    /**
     * Removes the password from a UsernameToken, in the request's envelope itself: once WS-Security
     * checked it, nothing else on the server (plug-ins above all, which see the tokens and the
     * envelope) has any business with it.
     */
    private static void withoutPassword(Element token) {
        if (!WSSE_NS.equals(token.getNamespaceURI()) || !"UsernameToken".equals(token.getLocalName())) {
            return;
        }
        Node child = token.getFirstChild();
        while (child != null) {
            Node next = child.getNextSibling();
            if (child instanceof Element element && WSSE_NS.equals(element.getNamespaceURI())
                    && "Password".equals(element.getLocalName())) {
                token.removeChild(element);
            }
            child = next;
        }
    }

    /**
     * The caller, how they authenticated, their security tokens and the SOAP envelope, with any
     * password removed.
     */
    static ProcessingEnvironment environment(Address caller, AuthenticationMethod method, boolean localUser) {
        ProcessingEnvironment env = ProcessingEnvironment.of(caller, method, localUser);
        Message message = PhaseInterceptorChain.getCurrentMessage();
        SOAPMessage soap = message == null ? null : message.getContent(SOAPMessage.class);
        if (soap == null) {
            return env;
        }
        List<Element> tokens = new ArrayList<>();
        Document envelope = soap.getSOAPPart();
        try {
            SOAPHeader header = soap.getSOAPHeader();
            if (header != null) {
                for (Node block = header.getFirstChild(); block != null; block = block.getNextSibling()) {
                    if (block instanceof Element security && WSSE_NS.equals(security.getNamespaceURI())
                            && "Security".equals(security.getLocalName())) {
                        for (Node token = security.getFirstChild(); token != null; token = token.getNextSibling()) {
                            if (token instanceof Element element) {
                                withoutPassword(element);
                                tokens.add(element);
                            }
                        }
                    }
                }
            }
        } catch (SOAPException e) {
            return env;
        }
        return env.withRequest(tokens, envelope);
    }
}
