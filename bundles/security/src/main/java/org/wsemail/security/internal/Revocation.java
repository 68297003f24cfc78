package org.wsemail.security.internal;

import java.security.cert.CertificateException;
import java.security.cert.PKIXParameters;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * How a certificate path check learns which certificates are revoked: it adds the revocation lists of
 * the roots a chain may lead to, or refuses when it cannot get a current one. A service of this
 * bundle only.
 */
interface Revocation {

    /** No revocation checking: for tests, and for servers configured with {@code revocation.check = off}. */
    Revocation NONE = (parameters, roots, domain) -> parameters.setRevocationEnabled(false);

    /**
     * Prepares a PKIX check of a chain that claims {@code domain} and may lead to {@code roots}.
     *
     * @throws CertificateException if the revocation list of a root cannot be had, current and signed by it
     */
    void configure(PKIXParameters parameters, List<X509Certificate> roots, String domain) throws CertificateException;
}
