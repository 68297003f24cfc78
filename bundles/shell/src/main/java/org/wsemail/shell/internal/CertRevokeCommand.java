package org.wsemail.shell.internal;

import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.wsemail.api.server.CertificateAuthority.Issued;

@Command(scope = "wsemail", name = "cert-revoke",
        description = "Revokes certificates: they go on the revocation list (etc/wsemail-ca.crl) and log no one in from now on")
@Service
public class CertRevokeCommand extends PkiCommandSupport {

    @Argument(index = 0, name = "serials", description = "Serial numbers, as wsemail:cert-list shows them", required = true,
            multiValued = true)
    List<String> serials;

    @Override
    public Object execute() {
        for (String serial : serials) {
            serial(serial);
        }
        for (String serial : serials) {
            Issued revoked = authority().revoke(serial(serial));
            System.out.println("Revoked " + revoked.serial().toString(16) + " (" + revoked.subject() + ")");
        }
        return null;
    }
}
