package org.wsemail.shell.internal;

import java.util.Map;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.wsemail.api.server.ServerNodes;
import org.wsemail.api.server.ServerNodes.Node;

@Command(scope = "wsemail", name = "node-list", description = "Lists the server nodes sharing this domain's database:"
        + " whether each is alive, its last heartbeat, and the queue entries it holds now")
@Service
public class NodeListCommand extends QueueCommandSupport {

    @Reference(optional = true)
    ServerNodes serverNodes;

    @Option(name = "--no-format", description = "Plain output without table borders, for scripts")
    boolean noFormat;

    @Override
    public Object execute() {
        if (serverNodes == null) {
            throw new IllegalStateException("the Database Manager is not running (feature wsemail-db)");
        }
        Map<String, Integer> held = queue().heldByNode();
        ShellTable table = new ShellTable();
        table.column("Node");
        table.column("Host");
        table.column("State");
        table.column("Started");
        table.column("Last heartbeat");
        table.column("Queue entries held").alignRight();
        for (Node node : serverNodes.nodes()) {
            String state = (node.alive() ? "alive" : "down") + (node.name().equals(serverNodes.self()) ? " (this node)" : "");
            table.addRow().addContent(node.name(), node.host(), state, node.started(), node.lastHeartbeat(),
                    held.getOrDefault(node.name(), 0));
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
