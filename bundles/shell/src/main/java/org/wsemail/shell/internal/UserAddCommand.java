package org.wsemail.shell.internal;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.wsemail.api.Address;

@Command(scope = "wsemail", name = "user-add", description = "Adds a user (and mailbox) to this server's domain")
@Service
public class UserAddCommand extends UserCommandSupport {

    @Argument(index = 0, name = "address", description = "The new user's address, local@<this domain>", required = true)
    String address;

    @Option(name = "--password-file", description = "A file whose first line is the password; asked for without echo when left out")
    String passwordFile;

    @Override
    public Object execute() throws Exception {
        Address user = address(address);
        withPassword(passwordFile, secret -> users().add(user, secret));
        System.out.println("Added user " + user);
        return null;
    }
}
