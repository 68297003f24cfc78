package org.wsemail.shell.internal;

import java.nio.file.Path;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.wsemail.api.Address;

@Command(scope = "wsemail", name = "cert-issue-user",
        description = "Issues a certificate to a user of this domain: a new key and its certificate in a PKCS#12 file for the user")
@Service
public class CertIssueUserCommand extends PkiCommandSupport {

    @Argument(index = 0, name = "address", description = "The user's address", required = true)
    String address;

    @Option(name = "--out", description = "The PKCS#12 file to write (it must not exist)", required = true)
    String out;

    @Option(name = "--password-file", description = "A file whose first line is the password that protects the file; asked for without echo when left out")
    String passwordFile;

    @Override
    public Object execute() throws Exception {
        Address user = address(address);
        if (!users().exists(user)) {
            throw new IllegalArgumentException("no such user: " + user + " (wsemail:user-add first)");
        }
        withPassword(passwordFile, secret -> {
            Path file = writePrivate(out, authority().issueUser(user, secret, validity()));
            System.out.println("Issued a certificate to " + user + " in " + file);
        });
        return null;
    }
}
