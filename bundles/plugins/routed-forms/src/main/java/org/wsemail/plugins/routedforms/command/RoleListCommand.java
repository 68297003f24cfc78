package org.wsemail.plugins.routedforms.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.wsemail.plugins.routedforms.Organization;

@Command(scope = "wsemail", name = "role-list", description = "Lists the roles routed forms go to and who holds them (the first holder receives)")
@Service
public class RoleListCommand implements Action {

    @Reference
    Organization organization;

    @Option(name = "--no-format", description = "Plain output without table borders, for scripts")
    boolean noFormat;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("Role");
        table.column("Holders");
        organization.roles().forEach((role, holders) -> table.addRow().addContent(role,
                String.join(", ", holders.stream().map(Object::toString).toList())));
        table.print(System.out, !noFormat);
        return null;
    }
}
