package org.wsemail.shell.internal;

import java.nio.file.Path;
import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "wsemail", name = "cert-issue-server",
        description = "Issues a server certificate naming this mail domain (and any host names given) and an Ed25519 message signing certificate, in one PKCS#12 file")
@Service
public class CertIssueServerCommand extends PkiCommandSupport {

    @Argument(index = 0, name = "hosts", description = "Further host names or addresses the server is reached at",
            multiValued = true)
    List<String> hosts = List.of();

    @Option(name = "--out", description = "The PKCS#12 file to write (it must not exist)", required = true)
    String out;

    @Option(name = "--password-file", description = "A file whose first line is the password that protects the file; asked for without echo when left out")
    String passwordFile;

    @Override
    public Object execute() throws Exception {
        withPassword(passwordFile, secret -> {
            Path file = writePrivate(out, authority().issueServer(hosts, secret, validity()));
            System.out.println("Issued a server certificate (alias server) and a message signing certificate (alias message-signing) in "
                    + file + "; install it as etc/wsemail-server.p12");
        });
        return null;
    }
}
