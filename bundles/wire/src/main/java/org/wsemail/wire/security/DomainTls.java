package org.wsemail.wire.security;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Consumer;

import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS the WSEmail way: a server is known by the mail domain it serves, not by the host name it
 * happens to be reached at (an SRV target, an address). A connection is accepted when the server's
 * certificate chains to a trusted root and names the expected mail domain, the same rule that
 * XMLDSIG signatures on relayed messages follow.
 */
public final class DomainTls {
    private static final Logger LOG = LoggerFactory.getLogger(DomainTls.class);

    private DomainTls() {
    }

    /** Trust managers that accept exactly the chains leading to {@code anchors}. */
    public static TrustManager[] trustManagers(Set<TrustAnchor> anchors) {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(WsCryptos.trustStore(anchors.stream().map(TrustAnchor::getTrustedCert).toList()));
            return factory.getTrustManagers();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build trust managers from " + anchors.size() + " roots", e);
        }
    }

    /**
     * Wraps trust managers so that a server is trusted only if, besides leading to a trusted root,
     * its certificate names {@code domain}. The check lives here rather than in a host name
     * verifier because the JDK consults a verifier only when its own host name check fails.
     */
    public static TrustManager[] serving(String domain, TrustManager[] roots) {
        return serving(domain, roots, chain -> { });
    }

    /** As {@link #serving(String, TrustManager[])}, telling {@code accepted} each server chain it accepts. */
    public static TrustManager[] serving(String domain, TrustManager[] roots, Consumer<X509Certificate[]> accepted) {
        String expected = domain.toLowerCase(Locale.ROOT);
        TrustManager[] wrapped = new TrustManager[roots.length];
        for (int i = 0; i < roots.length; i++) {
            wrapped[i] = roots[i] instanceof X509TrustManager x509 ? new NamingDomain(expected, x509, accepted) : roots[i];
        }
        return wrapped;
    }

    /**
     * A host name verifier for connections whose trust managers came from {@link #serving}: the host
     * dialled (an SRV target, an address) says nothing about the domain, which has been checked.
     */
    public static HostnameVerifier domainCheckedByTrustManager() {
        return (host, session) -> true;
    }

    private static final class NamingDomain extends X509ExtendedTrustManager {
        private final String domain;
        private final X509TrustManager roots;
        private final Consumer<X509Certificate[]> accepted;

        NamingDomain(String domain, X509TrustManager roots, Consumer<X509Certificate[]> accepted) {
            this.domain = domain;
            this.roots = roots;
            this.accepted = accepted;
        }

        private void checkDomain(X509Certificate[] chain) throws CertificateException {
            Set<String> names = dnsNames(chain[0]);
            if (!names.contains(domain)) {
                LOG.warn("Refused a TLS server certificate that names {}, not {}", names, domain);
                throw new CertificateException("the server's certificate names " + names + ", not " + domain);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            roots.checkServerTrusted(chain, authType);
            checkDomain(chain);
            accepted.accept(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            roots.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            roots.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            roots.checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return roots.getAcceptedIssuers();
        }
    }

    /** The subjectAltName dNSName entries of a certificate, lower case, sorted. */
    public static SortedSet<String> dnsNames(X509Certificate certificate) {
        return alternativeNames(certificate, 2);
    }

    /** The subjectAltName rfc822Name entries (mail addresses) of a certificate, lower case, sorted. */
    public static SortedSet<String> mailAddresses(X509Certificate certificate) {
        return alternativeNames(certificate, 1);
    }

    private static SortedSet<String> alternativeNames(X509Certificate certificate, int type) {
        SortedSet<String> names = new TreeSet<>();
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> alternative : alternatives) {
                    if (Integer.valueOf(type).equals(alternative.get(0))) {
                        names.add(String.valueOf(alternative.get(1)).toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return Collections.emptySortedSet();
        }
        return Collections.unmodifiableSortedSet(names);
    }
}
