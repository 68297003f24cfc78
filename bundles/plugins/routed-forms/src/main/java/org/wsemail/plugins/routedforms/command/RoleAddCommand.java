package org.wsemail.plugins.routedforms.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.wsemail.api.Address;
import org.wsemail.plugins.routedforms.Organization;

@Command(scope = "wsemail", name = "role-add", description = "Gives a user a role that routed forms go to (e.g. purchasing)")
@Service
public class RoleAddCommand implements Action {

    @Reference
    Organization organization;

    @Argument(index = 0, name = "role", required = true)
    String role;

    @Argument(index = 1, name = "address", description = "A user of this domain", required = true)
    String address;

    @Override
    public Object execute() {
        boolean added = organization.addRole(role, Address.parse(address));
        System.out.println(added ? address + " now holds the role " + role : address + " held the role " + role + " already");
        return null;
    }
}
