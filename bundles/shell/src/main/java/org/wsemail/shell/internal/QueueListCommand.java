package org.wsemail.shell.internal;

import java.util.stream.Collectors;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.wsemail.api.Address;
import org.wsemail.api.server.QueueEntry;

@Command(scope = "wsemail", name = "queue-list", description = "Lists the messages waiting in the queue, soonest due first")
@Service
public class QueueListCommand extends QueueCommandSupport {

    @Option(name = "--no-format", description = "Plain output without table borders, for scripts")
    boolean noFormat;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("Id").alignRight();
        table.column("Message");
        table.column("From");
        table.column("To");
        table.column("Attempts").alignRight();
        table.column("Next attempt");
        table.column("Expires");
        table.column("Last error");
        for (QueueEntry entry : queue().entries()) {
            table.addRow().addContent(entry.id(), entry.messageId(), entry.sender(),
                    entry.recipients().stream().map(Address::toString).collect(Collectors.joining(", ")),
                    entry.attempts(), entry.nextAttempt(), entry.expires(), entry.lastError() == null ? "" : entry.lastError());
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
