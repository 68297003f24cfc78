package org.wsemail.shell.internal;

import java.time.Instant;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.wsemail.api.server.CertificateAuthority.Issued;

@Command(scope = "wsemail", name = "cert-list", description = "Lists the certificates the domain's authority issued, and their status")
@Service
public class CertListCommand extends PkiCommandSupport {

    @Option(name = "--no-format", description = "Plain output without table borders, for scripts")
    boolean noFormat;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("Serial");
        table.column("Kind");
        table.column("Subject");
        table.column("Valid until");
        table.column("Status");
        Instant now = Instant.now();
        for (Issued issued : authority().issued()) {
            table.addRow().addContent(issued.serial().toString(16), issued.kind().name().toLowerCase(), issued.subject(),
                    issued.notAfter(), issued.status(now) + issued.revokedAt().map(at -> " " + at).orElse(""));
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
