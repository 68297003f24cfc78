package org.wsemail.shell.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.wsemail.security.Pki;

@Command(scope = "wsemail", name = "trust-add",
        description = "Trusts the root (CA) certificates in a PEM file, e.g. another domain's wsemail-ca.pem, for the"
                + " mail domains they may certify")
@Service
public class TrustAddCommand extends TrustCommandSupport {

    @Argument(index = 0, name = "pem-file", description = "A PEM file of CA certificates", required = true)
    String file;

    @Option(name = "--domains", description = "The mail domains the root may certify, comma separated;"
            + " by default the domains its name constraints permit")
    String domains;

    @Override
    public Object execute() throws IOException {
        Path path = Path.of(file);
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("no file " + file);
        }
        try (InputStream in = Files.newInputStream(path)) {
            var certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException("no certificates in " + file);
            }
            for (Certificate certificate : certificates) {
                X509Certificate root = (X509Certificate) certificate;
                Set<String> forDomains = domains == null ? Pki.permittedDomains(root) : Set.copyOf(List.of(domains.split(",")));
                if (forDomains.isEmpty()) {
                    throw new IllegalArgumentException(root.getSubjectX500Principal().getName() + " names no domains it may"
                            + " certify (no name constraints): say which with --domains, e.g. --domains b.test");
                }
                boolean added = roots().add(root, forDomains);
                System.out.println((added ? "Now trusting " : "Already trusted: ") + root.getSubjectX500Principal().getName()
                        + " for " + String.join(", ", roots().domains(root)));
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read certificates from " + file + ": " + e.getMessage(), e);
        }
        return null;
    }
}
