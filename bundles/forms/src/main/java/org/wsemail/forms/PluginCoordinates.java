package org.wsemail.forms;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a form's client plug-in comes from, as the form names it: enough for a client without the
 * plug-in to fetch it, check it and tell the user what they are asked to install.
 *
 * @param symbolicName the plug-in bundle's symbolic name
 * @param version its version, e.g. {@code 1.0.0}
 * @param location the HTTPS URL it is downloaded from
 * @param sha256 the SHA-256 of the jar, lower-case hex
 * @param signer the mail domain whose server signed the jar
 */
public record PluginCoordinates(String symbolicName, String version, URI location, String sha256, String signer) {

    public PluginCoordinates {
        Objects.requireNonNull(symbolicName, "symbolicName");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(location, "location");
        checkNameAndVersion(symbolicName, version);
        if (!"https".equals(location.getScheme())) {
            throw new IllegalArgumentException("a client plug-in is fetched over HTTPS only, not from " + location);
        }
        sha256 = sha256.toLowerCase(Locale.ROOT);
        if (!sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a SHA-256: " + sha256);
        }
        signer = signer.toLowerCase(Locale.ROOT);
    }

    /**
     * Checks a plug-in's symbolic name and version as coordinates take them.
     *
     * @throws IllegalArgumentException saying which is wrong
     */
    public static void checkNameAndVersion(String symbolicName, String version) {
        if (!symbolicName.matches("[A-Za-z0-9_.-]{1,128}")) {
            throw new IllegalArgumentException("not a bundle symbolic name: " + symbolicName);
        }
        if (!version.matches("\\d+(\\.\\d+){0,2}(\\.[A-Za-z0-9_-]+)?")) {
            throw new IllegalArgumentException("not an OSGi version: " + version);
        }
    }

    /** The SHA-256 of a plug-in's jar, lower-case hex, as coordinates name it. */
    public static String sha256Of(Path jar) throws IOException {
        try (InputStream in = Files.newInputStream(jar)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[65536];
            for (int read; (read = in.read(buffer)) > 0;) {
                digest.update(buffer, 0, read);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
