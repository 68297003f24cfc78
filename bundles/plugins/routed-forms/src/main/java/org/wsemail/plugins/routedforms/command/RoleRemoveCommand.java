package org.wsemail.plugins.routedforms.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.wsemail.api.Address;
import org.wsemail.plugins.routedforms.Organization;

@Command(scope = "wsemail", name = "role-remove", description = "Takes a role from a user")
@Service
public class RoleRemoveCommand implements Action {

    @Reference
    Organization organization;

    @Argument(index = 0, name = "role", required = true)
    String role;

    @Argument(index = 1, name = "address", required = true)
    String address;

    @Override
    public Object execute() {
        if (!organization.removeRole(role, Address.parse(address))) {
            throw new IllegalArgumentException(address + " does not hold the role " + role);
        }
        System.out.println(address + " no longer holds the role " + role);
        return null;
    }
}
