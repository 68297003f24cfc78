package org.wsemail.api.server;

import java.time.Instant;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The requests the nodes of this domain accepted recently, remembered where every node sees them
 * (the shared database), so that a request accepted by one node is refused as a replay by another.
 * Present only when nodes share the database; a lone node remembers in memory alone. Each node keeps
 * its own bounded memory in front of this one, so only requests it has not seen reach the database.
 */
@ProviderType
public interface SharedReplayMemory {
    /**
     * Remembers a request until the given instant.
     *
     * @param digest the request's digest (SHA-256 of what identifies it: a nonce, a signature value)
     * @param until when the request could no longer be accepted anyway
     * @return true if no node remembers it (now remembered), false if one does: a replay
     * @throws IllegalStateException if the shared memory cannot be reached: the request must be refused
     */
    boolean firstSight(byte[] digest, Instant until);
}
