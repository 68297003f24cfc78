package org.wsemail.wire.security;

import java.util.ArrayList;
import java.util.List;

import org.apache.cxf.binding.soap.SoapFault;
import org.apache.cxf.binding.soap.SoapMessage;
import org.apache.cxf.binding.soap.interceptor.AbstractSoapInterceptor;
import org.apache.cxf.helpers.CastUtils;
import org.apache.cxf.phase.Phase;
import org.apache.wss4j.dom.WSConstants;
import org.apache.wss4j.dom.WSDataRef;
import org.apache.wss4j.dom.engine.WSSecurityEngineResult;
import org.apache.wss4j.dom.handler.WSHandlerConstants;
import org.apache.wss4j.dom.handler.WSHandlerResult;
import org.apache.wss4j.dom.message.token.Timestamp;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * After WS-Security has verified a message's signatures: accepts the message only if a signature
 * covers the envelope's SOAP Body (the one that is read) and the security header's Timestamp. It
 * compares the signed elements with those two directly, where CXF's coverage checker evaluates
 * XPath expressions over the whole document for every message.
 */
final class SignedBodyAndTimestamp extends AbstractSoapInterceptor {
    SignedBodyAndTimestamp(String after) {
        super(Phase.PRE_PROTOCOL);
        addAfter(after);
    }

    @Override
    public void handleMessage(SoapMessage message) {
        List<WSHandlerResult> results = CastUtils.cast((List<?>) message.get(WSHandlerConstants.RECV_RESULTS));
        Element timestamp = null;
        List<Element> signed = new ArrayList<>();
        for (WSHandlerResult result : results == null ? List.<WSHandlerResult>of() : results) {
            for (WSSecurityEngineResult action : result.getResults()) {
                Integer kind = (Integer) action.get(WSSecurityEngineResult.TAG_ACTION);
                if (kind != null && kind == WSConstants.TS) {
                    timestamp = ((Timestamp) action.get(WSSecurityEngineResult.TAG_TIMESTAMP)).getElement();
                } else if (kind != null && kind == WSConstants.SIGN) {
                    List<WSDataRef> references = CastUtils.cast((List<?>) action.get(WSSecurityEngineResult.TAG_DATA_REF_URIS));
                    for (WSDataRef reference : references == null ? List.<WSDataRef>of() : references) {
                        signed.add(reference.getProtectedElement());
                    }
                }
            }
        }
        Element body = timestamp == null ? null : body(timestamp);
        if (body == null || !contains(signed, body) || !contains(signed, timestamp)) {
            throw new SoapFault("the message's signature does not cover its body and timestamp",
                    message.getVersion().getSender());
        }
    }

    /** The envelope's first Body, which is the one read, of the document the timestamp is in. */
    private static Element body(Element timestamp) {
        Element envelope = timestamp.getOwnerDocument().getDocumentElement();
        for (Node child = envelope.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element element && "Body".equals(element.getLocalName())
                    && envelope.getNamespaceURI() != null && envelope.getNamespaceURI().equals(element.getNamespaceURI())) {
                return element;
            }
        }
        return null;
    }

    private static boolean contains(List<Element> elements, Element wanted) {
        for (Element element : elements) {
            if (element == wanted || element.isSameNode(wanted)) {
                return true;
            }
        }
        return false;
    }
}
