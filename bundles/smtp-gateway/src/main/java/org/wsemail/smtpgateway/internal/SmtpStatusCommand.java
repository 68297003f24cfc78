package org.wsemail.smtpgateway.internal;

import java.util.stream.Collectors;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.wsemail.api.server.DeliveryResult;

/** {@code wsemail:smtp-status}: the SMTP listener, the DKIM record to publish, and the last outbound deliveries. */
@Command(scope = "wsemail", name = "smtp-status", description = "Shows the SMTP gateway: its listener and the last outbound deliveries")
@Service
public class SmtpStatusCommand implements Action {

    @Reference
    SmtpGateway gateway;

    @Option(name = "--no-format", description = "Plain output without table borders, for scripts")
    boolean noFormat;

    @Override
    public Object execute() {
        SmtpGateway.GatewayStatus status = gateway.status();
        System.out.println("Listener: " + (status.running() ? "listening" : "stopped") + " on port " + status.port() + " as "
                + status.hostName() + " for " + status.domain() + " (STARTTLS " + (status.requireTls() ? "required" : "offered")
                + ", at most " + status.maxMessageBytes() + " bytes)");
        System.out.println("Since start: " + status.received() + " messages taken in, " + status.refused() + " refusals");
        System.out.println("DKIM key to publish: " + status.dkimRecordName() + " TXT \"" + status.dkimRecord() + "\"");
        System.out.println();
        System.out.println("Last outbound deliveries:");
        ShellTable table = new ShellTable();
        table.column("Time");
        table.column("Message");
        table.column("Domain");
        table.column("Server");
        table.column("Outcome");
        for (GatewayActivity.Outbound sent : status.lastOutbound()) {
            table.addRow().addContent(sent.at(), sent.messageId(), sent.domain(), sent.server(), sent.results().stream()
                    .map(r -> r.recipient() + " " + r.status() + (r.status() == DeliveryResult.Status.CONSUMED ? "" : ": " + r.detail()))
                    .collect(Collectors.joining("; ")));
        }
        table.print(System.out, !noFormat);
        if (!status.lastRefusals().isEmpty()) {
            System.out.println("Last refusals:");
            status.lastRefusals().forEach(refusal -> System.out.println("  " + refusal));
        }
        return null;
    }
}
