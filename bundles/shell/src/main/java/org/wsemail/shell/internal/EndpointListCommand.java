package org.wsemail.shell.internal;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.wsemail.api.runtime.EndpointDTO;
import org.wsemail.api.runtime.RemoteEndpoints;

@Command(scope = "wsemail", name = "endpoint-list",
        description = "Lists the services exported as SOAP endpoints: where each is served, with which intents, from which"
                + " bundle, and the exports that were refused and why")
@Service
public class EndpointListCommand extends EndpointCommandSupport {

    @Override
    public Object execute() {
        RemoteEndpoints endpoints = endpoints();
        ShellTable table = new ShellTable();
        table.column("Address");
        table.column("Contract");
        table.column("Intents");
        table.column("Bundle");
        table.column("Service").alignRight();
        table.column("State");
        for (EndpointDTO endpoint : endpoints.endpoints()) {
            table.addRow().addContent(endpoint.address(), endpoint.contract(),
                    String.join(", ", endpoint.intents().stream().sorted().toList()), endpoint.bundle(), endpoint.serviceId(),
                    endpoint.published() ? "published" : "refused: " + endpoint.refusal());
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
