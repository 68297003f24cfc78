package org.wsemail.api.server;

import java.time.Instant;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The server nodes of this domain: several stateless nodes may share one database (PostgreSQL),
 * and with it the mailboxes, users, queue and plug-in settings. Each node records itself there and
 * beats a heartbeat; a node whose heartbeat stopped is taken for dead, and its work (queue entries
 * it held) falls to the others once their leases run out.
 */
@ProviderType
public interface ServerNodes {
    /** This node's name: unique among the domain's nodes, the same after a restart. */
    String self();

    /** Every node that has run on this database, this one included, by name. */
    List<Node> nodes();

    /**
     * A node as last recorded.
     *
     * @param alive whether its heartbeat is recent (within three heartbeat intervals)
     */
    record Node(String name, String host, Instant started, Instant lastHeartbeat, boolean alive) {
    }
}
