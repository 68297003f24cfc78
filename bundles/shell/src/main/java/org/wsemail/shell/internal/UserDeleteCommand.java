package org.wsemail.shell.internal;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.wsemail.api.Address;

@Command(scope = "wsemail", name = "user-delete", description = "Deletes a user and every message in their mailbox")
@Service
public class UserDeleteCommand extends UserCommandSupport {

    @Argument(index = 0, name = "address", description = "The user's address", required = true)
    String address;

    @Override
    public Object execute() {
        Address user = address(address);
        if (!users().delete(user)) {
            throw new IllegalArgumentException("no such user: " + user);
        }
        System.out.println("Deleted user " + user + " and their mailbox");
        return null;
    }
}
