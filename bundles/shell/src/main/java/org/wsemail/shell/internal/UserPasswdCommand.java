package org.wsemail.shell.internal;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.wsemail.api.Address;

@Command(scope = "wsemail", name = "user-passwd", description = "Sets a user's password")
@Service
public class UserPasswdCommand extends UserCommandSupport {

    @Argument(index = 0, name = "address", description = "The user's address", required = true)
    String address;

    @Option(name = "--password-file", description = "A file whose first line is the password; asked for without echo when left out")
    String passwordFile;

    @Override
    public Object execute() throws Exception {
        Address user = address(address);
        withPassword(passwordFile, secret -> users().setPassword(user, secret));
        System.out.println("Password of " + user + " changed");
        return null;
    }
}
