package org.wsemail.shell.internal;

import java.security.cert.X509Certificate;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Command(scope = "wsemail", name = "trust-list", description = "Lists the root certificates other servers' certificates and signatures must lead to, and the domains each may certify")
@Service
public class TrustListCommand extends TrustCommandSupport {

    @Option(name = "--no-format", description = "Plain output without table borders, for scripts")
    boolean noFormat;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("Subject");
        table.column("May certify");
        table.column("Valid until");
        for (X509Certificate root : roots().roots()) {
            table.addRow().addContent(root.getSubjectX500Principal().getName(),
                    roots().domains(root).isEmpty() ? "nothing (bind it with trust-add --domains)" : String.join(", ", roots().domains(root)),
                    root.getNotAfter().toInstant());
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
