package org.wsemail.security.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files in {@code etc/} that hold passwords in clear (the key and trust store passwords, the
 * CA's, the web server's copy of the key store password, the shell's users), kept readable and
 * writable by their owner, the server's account, alone.
 */
final class SecretFiles {
    private static final Logger LOG = LoggerFactory.getLogger(SecretFiles.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    /** The files, relative to {@code etc/}. */
    static final String[] IN_ETC = {SecuritySettings.PID + ".cfg", HttpsConnector.PAX_WEB_PID + ".cfg", "users.properties"};

    private SecretFiles() {
    }

    /** Makes each of the secret files in {@code etc} that exists readable by its owner only. */
    static void protect(Path etc) {
        for (String name : IN_ETC) {
            ownerOnly(etc.resolve(name));
        }
    }

    static void ownerOnly(Path file) {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null || !Files.isRegularFile(file)) {
            return;
        }
        try {
            Set<PosixFilePermission> permissions = view.readAttributes().permissions();
            if (!OWNER_ONLY.containsAll(permissions)) {
                view.setPermissions(OWNER_ONLY);
                LOG.info("{} holds passwords: made it readable by its owner only (was {})", file,
                        PosixFilePermissions.toString(permissions));
            }
        } catch (IOException e) {
            LOG.warn("Cannot restrict {} to its owner: {}", file, e.getMessage());
        }
    }
}
