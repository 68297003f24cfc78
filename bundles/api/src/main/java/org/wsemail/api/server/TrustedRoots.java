package org.wsemail.api.server;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The root certificates this server trusts (tier 3), each bound to the mail domains it may certify:
 * unlike a browser's flat store, a root vouches only for its domains, so a server that trusts
 * c.test's authority for c.test does not take it at its word about b.test. The domain's own
 * authority is bound to the domain; other roots are bound when they are added ({@code trust-add
 * --domains}, or the domains their X.509 name constraints permit).
 *
 * <p>Thread-safe; a change is in force for the next check and kept in the trust store.
 */
@ProviderType
public interface TrustedRoots {

    /** Every trusted root; the same list until the roots change. */
    List<X509Certificate> roots();

    /** The domains a trusted root may certify; empty for one that is not trusted. */
    Set<String> domains(X509Certificate root);

    /** The trusted roots that may certify this domain. */
    List<X509Certificate> rootsFor(String domain);

    /**
     * Trusts another root for these domains (or, if it was trusted already, for these as well).
     *
     * @return false if it was trusted for all of them already
     * @throws IllegalArgumentException if it is not a CA certificate, not valid now, no domain is
     *     given, or a domain lies outside its name constraints
     */
    boolean add(X509Certificate root, Set<String> domains);

    /**
     * Checks the certificate chain of a party that claims to be {@code domain}'s: it leads to a root
     * bound to that domain, within that root's name constraints, nothing in it revoked (as far as
     * the server's revocation checking is configured). It does not check that the leaf names the
     * domain; callers do.
     *
     * @param chain the party's certificate first, then the certificates above it
     * @throws CertificateException saying why the chain is not trusted for the domain
     */
    void check(List<X509Certificate> chain, String domain) throws CertificateException;
}
