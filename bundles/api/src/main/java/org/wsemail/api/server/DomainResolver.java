package org.wsemail.api.server;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The DNS Resolver: finds the servers of a mail domain from its {@code _wsemail._tcp.<domain>} SRV
 * records.
 */
@ProviderType
public interface DomainResolver {

    /** The SRV service label WSEmail servers publish. */
    String SRV_PREFIX = "_wsemail._tcp.";

    /**
     * The domain's servers in the order to try them: by priority, then weighted random per RFC 2782.
     *
     * @return an empty list if the domain publishes no WSEmail servers
     * @throws java.io.UncheckedIOException if no name server answered
     */
    List<ServerEndpoint> resolve(String domain);

    /**
     * One server of a domain.
     *
     * @param endpoint the base URL of its peer endpoint
     * @param priority the SRV priority (lower first)
     * @param weight the SRV weight
     * @param ttl how long the answer may be cached
     */
    record ServerEndpoint(URI endpoint, int priority, int weight, Duration ttl) {
    }
}
