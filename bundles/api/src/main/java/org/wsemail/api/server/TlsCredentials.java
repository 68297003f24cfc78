package org.wsemail.api.server;

import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;

import org.osgi.annotation.versioning.ProviderType;

/**
 * This server's TLS identity (tier 2): the key and certificate it presents when it connects to
 * another server (mutual TLS), and trust in the roots of {@link TrustedRoots} as they are at each
 * handshake. Thread-safe.
 */
@ProviderType
public interface TlsCredentials {

    /** Presents this server's certificate, which names its mail domain. */
    KeyManager[] keyManagers();

    /** Accepts chains that lead to a root this server trusts now (roots added later count too), for any domain. */
    TrustManager[] trustManagers();

    /**
     * Accepts the TLS certificate of {@code domain}'s server only: its chain must pass {@link
     * TrustedRoots#check} for the domain (a root bound to it, nothing revoked) and the certificate
     * must name the domain, whatever host was connected to.
     */
    TrustManager[] trustManagersFor(String domain);
}
