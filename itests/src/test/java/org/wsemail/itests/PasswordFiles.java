package org.wsemail.itests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Passwords for the shell's {@code --password-file}: they are never given on a command line. */
public final class PasswordFiles {
    private PasswordFiles() {
    }

    /** A new file, readable by its owner only, holding this password; deleted when the JVM exits. */
    public static String of(String password) {
        try {
            Path file = Files.createTempFile("wsemail-password", ".txt",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, password + "\n");
            file.toFile().deleteOnExit();
            return file.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
