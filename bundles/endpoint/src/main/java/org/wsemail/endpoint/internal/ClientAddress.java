package org.wsemail.endpoint.internal;

import javax.servlet.http.HttpServletRequest;

import org.apache.cxf.message.Message;
import org.apache.cxf.security.transport.TLSSessionInfo;
import org.apache.cxf.transport.http.AbstractHTTPDestination;

/** Where a request came from, as the HTTP connection tells: the client's IP address. */
final class ClientAddress {
    private ClientAddress() {
    }

    /** The client's IP address, or "unknown" outside an HTTP request. */
    static String of(Message message) {
        Object request = message == null ? null : message.get(AbstractHTTPDestination.HTTP_REQUEST);
        return request instanceof HttpServletRequest http && http.getRemoteAddr() != null ? http.getRemoteAddr() : "unknown";
    }

    /** True if the request came over TLS. */
    static boolean overTls(Message message) {
        return message != null && message.get(TLSSessionInfo.class) != null;
    }
}
