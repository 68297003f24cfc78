package org.wsemail.shell.internal;

import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.wsemail.api.server.DomainResolver;
import org.wsemail.api.server.DomainResolver.ServerEndpoint;

@Command(scope = "wsemail", name = "domain-info",
        description = "Shows the WSEmail servers of a domain from its _wsemail._tcp SRV records, in the order mail would try them")
@Service
public class DomainInfoCommand implements Action {

    /** Optional, so that the other wsemail commands stay available without the DNS resolver. */
    @Reference(optional = true)
    DomainResolver resolver;

    @Argument(index = 0, name = "domain", description = "The mail domain, e.g. b.example", required = true)
    String domain;

    @Option(name = "--no-format", description = "Plain output without table borders, for scripts")
    boolean noFormat;

    @Override
    public Object execute() {
        if (resolver == null) {
            throw new IllegalStateException("the DNS resolver is not running (feature wsemail-dns)");
        }
        List<ServerEndpoint> servers = resolver.resolve(domain);
        if (servers.isEmpty()) {
            System.out.println(domain + " publishes no WSEmail servers (no " + DomainResolver.SRV_PREFIX + domain + " records)");
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Order").alignRight();
        table.column("Host");
        table.column("Port").alignRight();
        table.column("Priority").alignRight();
        table.column("Weight").alignRight();
        table.column("TTL (s)").alignRight();
        int order = 1;
        for (ServerEndpoint server : servers) {
            table.addRow().addContent(order++, server.host(), server.port(), server.priority(), server.weight(),
                    server.ttl().toSeconds());
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
