package org.wsemail.security.internal;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * The security settings: one file, {@code etc/org.wsemail.security.cfg}, configuration PID
 * {@value #PID}, which an administrator reads as one page (key and trust stores, the domain's
 * authority, tokens, TLS). Each component of this bundle declares the keys it reads in a
 * configuration type of its own.
 */
final class SecuritySettings {
    static final String PID = "org.wsemail.security";

    private SecuritySettings() {
    }

    /** A random password for a store the server creates itself. */
    static char[] randomPassword() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).toCharArray();
    }
}
