package org.wsemail.testing;

import java.util.List;
import java.util.function.Function;

import org.wsemail.api.server.DomainResolver;

/**
 * A DNS resolver for unit tests that answers SRV lookups from a function and knows no other
 * records (a test that needs those runs a real name server).
 */
public final class SrvOnlyResolver implements DomainResolver {
    private final Function<String, List<ServerEndpoint>> servers;

    public SrvOnlyResolver(Function<String, List<ServerEndpoint>> servers) {
        this.servers = servers;
    }

    @Override
    public List<ServerEndpoint> resolve(String domain) {
        return servers.apply(domain);
    }

    @Override
    public List<ServerEndpoint> mailExchangers(String domain) {
        return List.of();
    }

    @Override
    public List<String> records(String name, String type) {
        return List.of();
    }
}
