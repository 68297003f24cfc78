package org.wsemail.shell.internal;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.wsemail.api.server.CertificateAuthority;

/** What the certificate commands share: the domain's authority, key store output, serial numbers. */
public abstract class PkiCommandSupport extends UserCommandSupport {

    @Reference(optional = true)
    CertificateAuthority authority;

    @Option(name = "--validity-days", description = "How long the certificate is valid")
    int validityDays = 365;

    protected CertificateAuthority authority() {
        if (authority == null) {
            throw new IllegalStateException("the server keys are not loaded (feature wsemail-security)");
        }
        return authority;
    }

    protected Duration validity() {
        if (validityDays < 1 || validityDays > 3650) {
            throw new IllegalArgumentException("--validity-days must be between 1 and 3650, not " + validityDays);
        }
        return Duration.ofDays(validityDays);
    }

    /** Writes a key store readable by its owner only; refuses to overwrite a file. */
    protected static Path writePrivate(String file, byte[] keyStore) throws IOException {
        Path path = Path.of(file).toAbsolutePath();
        if (Files.exists(path)) {
            throw new IllegalArgumentException(file + " exists already; choose another --out");
        }
        Files.write(path, keyStore);
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: left as created
        }
        return path;
    }

    protected static BigInteger serial(String hex) {
        try {
            return new BigInteger(hex.trim(), 16);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + hex + "' is not a serial number (hexadecimal, as wsemail:cert-list shows it)");
        }
    }
}
