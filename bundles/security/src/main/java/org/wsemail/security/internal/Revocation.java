package org.wsemail.security.internal;

import java.security.cert.CertificateException;
import java.security.cert.PKIXParameters;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * How a certificate path check learns which certificates are revoked: it adds the revocation lists of
 * the roots a chain may lead to, or refuses when it cannot get a current one. A service of this
 * bundle only.
 */
interface Revocation {

    /** No revocation checking: for tests, and for servers configured with {@code revocation.check = off}. */
    Revocation NONE = (parameters, roots, domainRoots, domain) -> {
        parameters.setRevocationEnabled(false);
        return List.of();
    };

    /**
     * Prepares a PKIX check of a chain that claims {@code domain} and may lead to {@code roots}.
     *
     * @param roots the roots whose revocation lists the check needs
     * @param domainRoots every root trusted for the domain: a list fetched from the domain's servers
     *     comes over TLS that any of them may vouch for (the list itself must be signed by its root)
     * @return the lists the check was given (none when revocation checking is off): a check of the
     *     same chain given equal lists later finds what this one finds, dates aside
     * @throws CertificateException if the revocation list of a root cannot be had, current and signed by it
     */
    List<X509CRL> configure(PKIXParameters parameters, List<X509Certificate> roots, List<X509Certificate> domainRoots, String domain)
            throws CertificateException;
}
