package org.wsemail.wire.security;

import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import javax.net.ssl.TrustManager;
import javax.net.ssl.X509KeyManager;
import javax.xml.namespace.QName;

import org.apache.cxf.interceptor.Interceptor;
import org.apache.cxf.message.Message;
import org.apache.cxf.phase.AbstractPhaseInterceptor;
import org.apache.cxf.security.transport.TLSSessionInfo;
import org.apache.cxf.ws.security.wss4j.WSS4JInInterceptor;
import org.apache.cxf.ws.security.wss4j.WSS4JOutInterceptor;
import org.apache.wss4j.common.ConfigurationConstants;
import org.apache.wss4j.common.crypto.CryptoType;
import org.apache.wss4j.common.crypto.Merlin;
import org.apache.wss4j.common.ext.WSSecurityException;
import org.apache.wss4j.dom.WSConstants;
import org.apache.wss4j.dom.handler.RequestData;
import org.apache.wss4j.dom.validate.Credential;
import org.apache.wss4j.dom.validate.SignatureTrustValidator;

/**
 * Tier 2 on answers: a server signs every response (body and timestamp, with its own key and
 * certificate), and the caller accepts a response only if that signature verifies, its certificate
 * leads to a trusted root and names the domain the caller meant to reach. RSA-SHA256 over exclusive
 * C14N, as everywhere else.
 *
 * <p>Over HTTPS the signing certificate is the one the server has just presented in the TLS
 * handshake, which the caller has checked the same way (trusted root, naming the domain). So the
 * signature names that certificate by its SHA-1 thumbprint instead of carrying it (1.5 KB of base64
 * in every response), and the caller looks the thumbprint up among the certificates its TLS
 * handshakes accepted. Over plain HTTP (only where an administrator opened it) the certificate
 * travels in the response as before.
 */
public final class ResponseSignatures {
    private static final String CRYPTO = "wsemail.responseCrypto";

    private ResponseSignatures() {
    }

    /**
     * The SOAP role (actor) of the security header that carries a server's signature on its answer.
     * Its own header, apart from the one an endpoint's security policy has CXF write (a Timestamp
     * under transport security): a client built from the contract alone processes that one and
     * passes this one by, as SOAP lets a node pass by headers for other roles; a WSEmail client or
     * server checks this one.
     */
    public static final String ROLE = "http://wsemail.org/2026/mail/signed-answers";

    /**
     * Signs each response with the key a server presents in TLS (its mail domain's certificate), in
     * the security header of {@link #ROLE}: the WS-Security interceptor and, ahead of it, the one
     * that picks how the certificate is named.
     */
    public static List<Interceptor<? extends Message>> signer(X509KeyManager keys) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConfigurationConstants.ACTION, ConfigurationConstants.TIMESTAMP + " " + ConfigurationConstants.SIGNATURE);
        props.put(ConfigurationConstants.ACTOR, ROLE);
        props.put(ConfigurationConstants.USER, "server");
        props.put(ConfigurationConstants.SIG_PROP_REF_ID, CRYPTO);
        props.put(CRYPTO, WsCryptos.withServerKey(keys));
        // SIG_KEY_ID is left to each message (WSS4J reads an interceptor's own options first).
        props.put(ConfigurationConstants.SIGNATURE_PARTS, WsCryptos.TIMESTAMP_AND_BODY);
        WsCryptos.signatureSuite(props);
        props.put(ConfigurationConstants.PW_CALLBACK_REF, WsCryptos.passwordCallback(WsCryptos.keyPassword().toCharArray()));
        WSS4JOutInterceptor signing = new WSS4JOutInterceptor(props);
        AbstractPhaseInterceptor<Message> naming = new AbstractPhaseInterceptor<>(signing.getPhase()) {
            @Override
            public void handleMessage(Message message) {
                Message request = message.getExchange() == null ? null : message.getExchange().getInMessage();
                boolean overTls = request != null && (request.get(TLSSessionInfo.class) != null
                        || String.valueOf(request.get(Message.REQUEST_URL)).startsWith("https:"));
                message.put(ConfigurationConstants.SIG_KEY_ID, overTls ? "Thumbprint" : "DirectReference");
            }
        };
        naming.addBefore(signing.getId());
        return List.of(naming, signing);
    }

    /**
     * What a caller needs to check the answers of the server of {@code domain}: trust managers for its
     * TLS connection that remember the certificates they accept, and the interceptors that check
     * each response's signature. The signature must lead to one of {@code trusted} (or to the
     * system's roots if none are given), its certificate must name {@code domain}, and it must cover
     * the body and the timestamp.
     */
    public static Checks checking(String domain, Set<TrustAnchor> trusted) {
        return new Checks(domain, trusted);
    }

    /**
     * How far apart two parties' clocks may be, in seconds: a timestamp up to this far in the future
     * is taken (a server's answer to a client, or another domain's server, whose clock runs ahead).
     * Five minutes, as Kerberos allows; requests within it are still checked for replays.
     */
    public static final int CLOCK_SKEW_SECONDS = 300;

    /** The checks of one caller of one server: see {@link #checking}. */
    public static final class Checks {
        private final Map<String, X509Certificate[]> presented = new ConcurrentHashMap<>();
        private final String domain;
        private final WSS4JInInterceptor verifier;

        private Checks(String domain, Set<TrustAnchor> trusted) {
            this.domain = domain.toLowerCase(java.util.Locale.ROOT);
            Merlin crypto = new PresentedInTls(presented);
            crypto.setTrustStore(trusted.isEmpty() ? systemRoots()
                    : WsCryptos.trustStore(trusted.stream().map(TrustAnchor::getTrustedCert).toList()));
            Map<String, Object> props = new HashMap<>();
            props.put(ConfigurationConstants.ACTION, ConfigurationConstants.TIMESTAMP + " " + ConfigurationConstants.SIGNATURE);
            props.put(ConfigurationConstants.ACTOR, ROLE);
            props.put(ConfigurationConstants.TTL_FUTURE_TIMESTAMP, String.valueOf(CLOCK_SKEW_SECONDS));
            props.put(ConfigurationConstants.SIG_VER_PROP_REF_ID, CRYPTO);
            props.put(CRYPTO, crypto);
            WsCryptos.signatureSuite(props);
            Map<QName, Object> validators = new HashMap<>();
            validators.put(WSConstants.SIGNATURE, new NamingDomain(this.domain));
            props.put(ConfigurationConstants.VALIDATOR_MAP, validators);
            this.verifier = new WSS4JInInterceptor(props);
        }

        /**
         * {@code roots} made to accept only a server whose certificate names the domain
         * ({@link DomainTls#serving}), remembering each certificate they accept: the ones a
         * response's signature may name by thumbprint.
         */
        public TrustManager[] trustManagers(TrustManager[] roots) {
            return DomainTls.serving(domain, roots, chain -> presented.put(thumbprint(chain[0]), chain.clone()));
        }

        /** The signature check, then the check that it covers the body and the timestamp. */
        public List<Interceptor<? extends Message>> interceptors() {
            return List.of(verifier, new SignedBodyAndTimestamp(verifier.getId()));
        }
    }

    /** The base64 SHA-1 digest of a certificate's encoding, as WS-Security's ThumbprintSHA1 reference carries it. */
    static String thumbprint(X509Certificate certificate) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1").digest(certificate.getEncoded()));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot digest a certificate", e);
        }
    }

    /**
     * Trusted roots, and the certificates TLS handshakes accepted, found by thumbprint; the signer is
     * identified by its dNSName ({@link NamingDomain}).
     *
     * <p>A server signs every answer with the same certificate, so the same chain would be validated
     * against the same roots at every answer. A chain validated once (without revocation checks and
     * subject or issuer patterns, as this caller asks) is remembered; later it is only checked to be
     * within its validity dates, the one input of path validation that changes. At most
     * {@value #REMEMBERED} chains are kept.
     */
    static final class PresentedInTls extends AltNameIdentified {
        private static final int REMEMBERED = 64;
        /** This caller's roots are fixed, so a chain is checked against nothing else that could change. */
        private static final Object PLAIN = "plain";
        private final Map<String, X509Certificate[]> presented;
        private final PassedChains<List<X509Certificate>> validated = new PassedChains<>(REMEMBERED);

        PresentedInTls(Map<String, X509Certificate[]> presented) {
            this.presented = presented;
        }

        @Override
        public void verifyTrust(X509Certificate[] certificates, boolean enableRevocation, Collection<Pattern> subjectPatterns,
                Collection<Pattern> issuerPatterns) throws WSSecurityException {
            boolean plain = !enableRevocation && isEmpty(subjectPatterns) && isEmpty(issuerPatterns);
            List<X509Certificate> chain = certificates == null ? List.of() : List.of(certificates);
            try {
                if (plain && validated.passedBefore(chain, PLAIN)) {
                    return;
                }
            } catch (java.security.cert.CertificateException e) {
                throw new WSSecurityException(WSSecurityException.ErrorCode.FAILED_CHECK, e);
            }
            try {
                super.verifyTrust(certificates, enableRevocation, subjectPatterns, issuerPatterns);
            } catch (WSSecurityException e) {
                validated.failed(chain);
                throw e;
            }
            if (plain && !chain.isEmpty()) {
                validated.passed(chain, PLAIN, chain);
            }
        }

        private static boolean isEmpty(Collection<Pattern> patterns) {
            return patterns == null || patterns.isEmpty();
        }

        @Override
        public X509Certificate[] getX509Certificates(CryptoType type) throws WSSecurityException {
            if (type != null && type.getType() == CryptoType.TYPE.THUMBPRINT_SHA1) {
                X509Certificate[] chain = presented.get(Base64.getEncoder().encodeToString(type.getBytes()));
                if (chain != null) {
                    return chain.clone();
                }
            }
            return super.getX509Certificates(type);
        }
    }

    /** The JDK's own trusted roots ({@code cacerts}), for a caller who named none. */
    private static KeyStore systemRoots() {
        try (var in = java.nio.file.Files.newInputStream(
                java.nio.file.Path.of(System.getProperty("java.home"), "lib", "security", "cacerts"))) {
            KeyStore roots = KeyStore.getInstance("PKCS12");
            roots.load(in, null);
            return roots;
        } catch (java.io.IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the system's trusted roots", e);
        }
    }

    /** Trust as WSS4J checks it, and besides: the signer's certificate names the expected domain. */
    private static final class NamingDomain extends SignatureTrustValidator {
        private final String domain;

        NamingDomain(String domain) {
            this.domain = domain;
        }

        @Override
        public Credential validate(Credential credential, RequestData data) throws WSSecurityException {
            Credential trusted = super.validate(credential, data);
            X509Certificate[] chain = credential.getCertificates();
            if (chain == null || chain.length == 0 || !DomainTls.dnsNames(chain[0]).contains(domain)) {
                throw new WSSecurityException(WSSecurityException.ErrorCode.FAILED_AUTHENTICATION);
            }
            return trusted;
        }
    }
}
