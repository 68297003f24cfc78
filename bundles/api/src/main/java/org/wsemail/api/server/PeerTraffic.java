package org.wsemail.api.server;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What this server has exchanged with other servers since it started, as the paper's Table 2 gives
 * it: the messages it relayed and the bytes of their SOAP requests and of the confirmations it got
 * back, and the same for what other servers delivered to it. Bytes are HTTP bodies; TLS and HTTP
 * headers come on top.
 */
@ProviderType
public interface PeerTraffic {

    /** The counts so far. */
    Figures figures();

    /**
     * @param relayed messages this server sent to other servers
     * @param relayedBytes the bytes of those requests
     * @param confirmationBytesReceived the bytes of the answers to them
     * @param delivered messages other servers sent to this one
     * @param deliveredBytes the bytes of those requests
     * @param confirmationBytesSent the bytes of this server's answers to them
     */
    record Figures(long relayed, long relayedBytes, long confirmationBytesReceived, long delivered, long deliveredBytes,
            long confirmationBytesSent) {
    }
}
