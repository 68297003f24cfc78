package org.wsemail.api.server;

import java.security.PrivateKey;
import java.security.Provider;
import java.security.cert.X509Certificate;
import java.util.List;

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

    /**
     * The key this server signs its answers with (tier 2 on answers): its message signing key where
     * it has one (Ed25519, signed in a twentieth of the time of its RSA TLS key), else its TLS key.
     */
    AnswerKey answerKey();

    /**
     * A signing key, its certificate chain (its own certificate first), and the provider of its
     * signature algorithm.
     *
     * @param key the private key
     * @param chain its certificate first, then any above it
     * @param edDsa a provider of the {@code Ed25519} signature, to sign and to check answers with
     *     instead of the JVM's own (which is many times slower); null for the JVM's
     */
    record AnswerKey(PrivateKey key, List<X509Certificate> chain, Provider edDsa) {

        public AnswerKey {
            chain = List.copyOf(chain);
        }
    }
}
