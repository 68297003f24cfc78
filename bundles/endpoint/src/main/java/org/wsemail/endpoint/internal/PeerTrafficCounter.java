package org.wsemail.endpoint.internal;

import org.osgi.service.component.annotations.Component;
import org.wsemail.api.server.PeerTraffic;
import org.wsemail.wire.WireCounter;

/**
 * Counts this server's traffic with other servers: {@link CxfPeerTransport} counts what it relays,
 * {@link PeerIntent} what arrives at the peer endpoint.
 */
@Component(service = { PeerTrafficCounter.class, PeerTraffic.class })
public class PeerTrafficCounter implements PeerTraffic {
    /** Requests this server sends to other servers, and their answers. */
    final WireCounter relayed = new WireCounter();
    /** Requests other servers send to this one, and this server's answers. */
    final WireCounter delivered = new WireCounter();

    @Override
    public Figures figures() {
        return new Figures(relayed.messagesSent.get(), relayed.sent.get(), relayed.received.get(),
                delivered.messagesReceived.get(), delivered.received.get(), delivered.sent.get());
    }
}
