package org.wsemail.api.server;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;
import org.wsemail.api.Address;

/**
 * The mail domain's certificate authority (tiers 1 and 3): it issues certificates to the domain's
 * users (naming their address) and servers (naming the domain), keeps the list of what it issued,
 * revokes, and publishes a certificate revocation list. Its key stays in a password-protected key
 * store on the server. Thread-safe.
 */
@ProviderType
public interface CertificateAuthority {

    /** One certificate this authority issued. */
    record Issued(BigInteger serial, String subject, Kind kind, Instant notAfter, Optional<Instant> revokedAt,
            X509Certificate certificate) {

        /** What a certificate is for. */
        public enum Kind { USER, SERVER }

        /** The status a person reads: valid, expired or revoked. */
        public String status(Instant now) {
            if (revokedAt.isPresent()) {
                return "revoked";
            }
            return notAfter.isBefore(now) ? "expired" : "valid";
        }
    }

    /** Raised when the domain has no authority yet (wsemail:ca-create makes one). */
    final class NoAuthorityException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        public NoAuthorityException(String message) {
            super(message);
        }
    }

    /** Whether this domain has an authority. */
    boolean exists();

    /**
     * Creates the domain's authority and trusts it.
     *
     * @throws IllegalStateException if one exists already
     */
    X509Certificate create(Duration validity);

    /** The authority's certificate. */
    X509Certificate certificate();

    /**
     * Issues a certificate to a user of this domain with a new key pair.
     *
     * @return a PKCS#12 key store holding the key and the chain, protected by {@code password}
     * @throws IllegalArgumentException if the user is not of this domain
     */
    byte[] issueUser(Address user, char[] password, Duration validity);

    /**
     * Issues a server certificate for this domain (and further host names) with a new key pair, and
     * a message signing certificate for the domain with a new key pair of its own.
     *
     * @return a PKCS#12 key store holding both keys and their chains (aliases {@code server} and
     *     {@code message-signing}), protected by {@code password}
     */
    byte[] issueServer(List<String> hosts, char[] password, Duration validity);

    /** What this authority issued, oldest first. */
    List<Issued> issued();

    /**
     * Revokes a certificate: from now on it is on the revocation list and no longer logs anyone in.
     *
     * @throws IllegalArgumentException if this authority issued no certificate with that serial
     */
    Issued revoke(BigInteger serial);

    /**
     * The user a certificate chain proves: the leaf was issued by this domain's authority, is valid
     * now, is not revoked, and names exactly one address of this domain.
     *
     * @throws GeneralSecurityException saying why not
     */
    Address authenticate(List<X509Certificate> chain) throws GeneralSecurityException;
}
