package org.wsemail.api.server;

import java.security.cert.X509Certificate;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The root certificates this server trusts (tier 3): other servers' signatures must lead to one of
 * them. Domains that share a CA trust it; domains with CAs of their own trust each other's.
 * Thread-safe; a change is in force for the next message verified and kept in the trust store.
 */
@ProviderType
public interface TrustedRoots {

    List<X509Certificate> roots();

    /**
     * Trusts another root certificate.
     *
     * @return false if it was trusted already
     * @throws IllegalArgumentException if it is not a CA certificate or not valid now
     */
    boolean add(X509Certificate root);
}
