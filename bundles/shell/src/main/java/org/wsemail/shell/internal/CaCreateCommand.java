package org.wsemail.shell.internal;

import java.security.cert.X509Certificate;
import java.time.Duration;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "wsemail", name = "ca-create",
        description = "Creates the domain's certificate authority (once), trusts it, and writes its certificate to etc/wsemail-ca.pem")
@Service
public class CaCreateCommand extends PkiCommandSupport {

    @Option(name = "--ca-validity-days", description = "How long the authority is valid")
    int caValidityDays = 3650;

    @Override
    public Object execute() {
        if (caValidityDays < 30 || caValidityDays > 7300) {
            throw new IllegalArgumentException("--ca-validity-days must be between 30 and 7300, not " + caValidityDays);
        }
        X509Certificate certificate = authority().create(Duration.ofDays(caValidityDays));
        System.out.println("Created " + certificate.getSubjectX500Principal().getName() + ", valid until "
                + certificate.getNotAfter().toInstant() + "; other domains trust it with wsemail:trust-add etc/wsemail-ca.pem");
        return null;
    }
}
