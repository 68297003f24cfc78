package org.wsemail.endpoint.internal;

import javax.xml.stream.XMLStreamException;

import org.apache.cxf.interceptor.Fault;
import org.apache.cxf.message.Message;
import org.apache.cxf.phase.AbstractPhaseInterceptor;
import org.apache.cxf.phase.Phase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says plainly why a request could not be read. A request over one of the parser's limits (depth,
 * fan-out, attributes, size) or carrying a document type declaration fails deep inside the SOAP
 * stack with "Problems creating SAAJ object model" or a parser message; the caller gets the limit
 * that was hit instead. Other faults pass unchanged.
 */
final class RefusedXmlFaults extends AbstractPhaseInterceptor<Message> {
    private static final Logger LOG = LoggerFactory.getLogger(RefusedXmlFaults.class);

    RefusedXmlFaults() {
        super(Phase.PRE_LOGICAL);
    }

    @Override
    public void handleMessage(Message message) {
        if (!(message.getContent(Exception.class) instanceof Fault fault)) {
            return;
        }
        String reason = reason(fault);
        if (reason != null) {
            LOG.warn("Refused a request: {}", LogSafe.text(reason));
            fault.setMessage("the request was refused: " + reason);
        }
    }

    /** Why the XML was refused, or null if the fault is not about reading the XML. */
    static String reason(Throwable fault) {
        for (Throwable cause = fault; cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause instanceof XMLStreamException) {
                String text = String.valueOf(cause.getMessage());
                if (text.contains("DTD")) {
                    return "it contains a document type declaration (DOCTYPE), which is never accepted";
                }
                String lower = text.toLowerCase(java.util.Locale.ROOT);
                if (lower.contains("limit") || lower.contains("exceed")) {
                    return "it exceeds a limit of this server: " + firstLine(text);
                }
            }
        }
        return null;
    }

    private static String firstLine(String text) {
        int end = text.indexOf('\n');
        return (end < 0 ? text : text.substring(0, end)).trim();
    }
}
