package org.wsemail.shell.internal;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.wsemail.api.Address;

@Command(scope = "wsemail", name = "user-list", description = "Lists the users of this server's domain")
@Service
public class UserListCommand extends UserCommandSupport {

    @Option(name = "--no-format", description = "Plain output without table borders, for scripts")
    boolean noFormat;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("User");
        for (Address user : users().list()) {
            table.addRow().addContent(user.toString());
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
