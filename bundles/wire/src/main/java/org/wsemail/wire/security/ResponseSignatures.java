package org.wsemail.wire.security;

import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import javax.net.ssl.TrustManager;
import javax.net.ssl.X509KeyManager;
import javax.xml.namespace.QName;
import javax.xml.soap.SOAPException;
import javax.xml.soap.SOAPMessage;

import org.apache.cxf.binding.soap.SoapFault;
import org.apache.cxf.binding.soap.SoapHeader;
import org.apache.cxf.binding.soap.SoapMessage;
import org.apache.cxf.binding.soap.interceptor.AbstractSoapInterceptor;
import org.apache.cxf.headers.Header;
import org.apache.cxf.helpers.CastUtils;
import org.apache.cxf.helpers.DOMUtils;
import org.apache.cxf.interceptor.Interceptor;
import org.apache.cxf.message.Message;
import org.apache.cxf.phase.Phase;
import org.apache.cxf.security.transport.TLSSessionInfo;
import org.apache.cxf.ws.security.SecurityConstants;
import org.apache.cxf.ws.security.tokenstore.MemoryTokenStore;
import org.apache.cxf.ws.security.tokenstore.TokenStore;
import org.apache.cxf.ws.security.wss4j.WSS4JInInterceptor;
import org.apache.wss4j.common.ConfigurationConstants;
import org.apache.wss4j.common.crypto.CryptoType;
import org.apache.wss4j.common.crypto.Merlin;
import org.apache.wss4j.common.ext.WSSecurityException;
import org.apache.wss4j.dom.WSConstants;
import org.apache.wss4j.dom.WSDataRef;
import org.apache.wss4j.dom.engine.WSSecurityEngineResult;
import org.apache.wss4j.dom.handler.RequestData;
import org.apache.wss4j.dom.handler.WSHandlerConstants;
import org.apache.wss4j.dom.handler.WSHandlerResult;
import org.apache.wss4j.dom.validate.Credential;
import org.apache.wss4j.dom.validate.SignatureTrustValidator;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Tier 2 on answers: a server signs every response (body and timestamp, with its own key and
 * certificate), and the caller accepts a response only if that signature verifies, its certificate
 * leads to a trusted root and names the domain the caller meant to reach. Exclusive C14N and
 * SHA-256 digests, as everywhere else; the signature method is the key's: EdDSA over Ed25519 for a
 * server's message signing key (what a server with one signs its answers with: a twentieth of the
 * time of RSA-2048), RSA-SHA256 for its TLS key.
 *
 * <p>How the answer names its certificate, rather than carrying it (1 to 1.5 KB of base64 in every
 * response):
 * <ul>
 * <li>Signed with the TLS key, over HTTPS: the certificate is the one the server has just presented
 * in the TLS handshake, which the caller has checked the same way (trusted root, naming the
 * domain). The signature names it by its SHA-1 thumbprint, and the caller looks the thumbprint up
 * among the certificates its TLS handshakes accepted.
 * <li>Signed with another key: the caller says in each request which answer certificate of this
 * server it holds already (the {@link #HELD_SIGNER} header, the thumbprint of the last certificate
 * an answer of this server verified with). Where that is the server's, the answer names it by
 * thumbprint; otherwise, as in a caller's first request, the answer carries it. A caller that sends
 * no header (one built from the contract alone) always gets the certificate.
 * <li>Over plain HTTP (only where an administrator opened it), the TLS key's certificate travels in
 * every answer.
 * </ul>
 * Either way the caller checks the certificate's chain and domain at every answer: a thumbprint only
 * saves the bytes.
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
     * The request header in which a caller names the answer certificate of the server that it holds
     * (base64 of its SHA-1 thumbprint): the server's answer then names its certificate by that
     * thumbprint instead of carrying it. Not signed and not needed: one that names another
     * certificate, or none, only makes the answer carry the certificate.
     */
    public static final QName HELD_SIGNER = new QName(ROLE, "heldSigner");

    /**
     * Signs each response with {@code key} (whose certificate is the first of {@code chain}), in the
     * security header of {@link #ROLE}, as the answer is written ({@link StreamedSecurityHeader});
     * whether the answer names its certificate or carries it is picked for each answer (see the
     * class description).
     *
     * @param tls the key manager of the key the server presents in TLS
     * @param edDsa a provider of the {@code Ed25519} signature for an Ed25519 key; null for the JVM's
     */
    public static List<Interceptor<? extends Message>> signer(X509KeyManager tls, PrivateKey key, X509Certificate[] chain,
            Provider edDsa) {
        String tlsAlias = tls.getServerAliases("RSA", null)[0];
        boolean tlsKey = chain[0].equals(tls.getCertificateChain(tlsAlias)[0]);
        String signer = thumbprint(chain[0]);
        StreamedSecurityHeader signature = StreamedSecurityHeader.answerSignature(signing(key, chain),
                MessageSignatures.keyKind(key).equals("Ed25519") ? edDsa : null);
        return signature.interceptors(answer -> {
            Message request = answer.getExchange() == null ? null : answer.getExchange().getInMessage();
            if (tlsKey) {
                return request != null && (request.get(TLSSessionInfo.class) != null
                        || String.valueOf(request.get(Message.REQUEST_URL)).startsWith("https:"));
            }
            return signer.equals(heldSigner(request));
        });
    }

    /**
     * WS-Security's options for an answer's signature with {@code key}: a Timestamp, and a signature
     * over it and the Body, in the security header of {@link #ROLE}, in WSEmail's suite; how the
     * certificate is referred to is left to each answer.
     */
    static Map<String, Object> signing(PrivateKey key, X509Certificate[] chain) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConfigurationConstants.ACTION, ConfigurationConstants.TIMESTAMP + " " + ConfigurationConstants.SIGNATURE);
        props.put(ConfigurationConstants.ACTOR, ROLE);
        props.put(ConfigurationConstants.USER, "server");
        props.put(ConfigurationConstants.SIG_PROP_REF_ID, CRYPTO);
        props.put(CRYPTO, WsCryptos.withKey("server", key, chain));
        props.put(ConfigurationConstants.SIGNATURE_PARTS, WsCryptos.TIMESTAMP_AND_BODY);
        WsCryptos.signatureSuite(props, key);
        props.put(ConfigurationConstants.PW_CALLBACK_REF, WsCryptos.passwordCallback(WsCryptos.keyPassword().toCharArray()));
        return props;
    }

    /** The thumbprint a request's {@link #HELD_SIGNER} header names, or null. */
    private static String heldSigner(Message request) {
        if (request instanceof SoapMessage soap) {
            for (Header header : soap.getHeaders()) {
                if (HELD_SIGNER.equals(header.getName()) && header.getObject() instanceof Element element) {
                    return element.getTextContent().trim();
                }
            }
        }
        return null;
    }

    /**
     * What a caller needs to check the answers of the server of {@code domain}: trust managers for its
     * TLS connection that remember the certificates they accept, and the interceptors that check
     * each response's signature. The signature must lead to one of {@code trusted} (or to the
     * system's roots if none are given), its certificate must name {@code domain}, and it must cover
     * the body and the timestamp.
     */
    public static Checks checking(String domain, Set<TrustAnchor> trusted) {
        return checking(domain, trusted, null);
    }

    /**
     * The checks of {@link #checking(String, Set)}, with the {@code Ed25519} signatures of answers
     * checked by {@code edDsa} (null: the JVM's own).
     */
    public static Checks checking(String domain, Set<TrustAnchor> trusted, Provider edDsa) {
        return new Checks(domain, trusted, edDsa);
    }

    /**
     * How far apart two parties' clocks may be, in seconds: a timestamp up to this far in the future
     * is taken (a server's answer to a client, or another domain's server, whose clock runs ahead).
     * Five minutes, as Kerberos allows; requests within it are still checked for replays.
     */
    public static final int CLOCK_SKEW_SECONDS = 300;

    /** The signature methods an answer may be signed with. */
    private static final Set<String> SIGNATURE_METHODS = Set.of(WSConstants.RSA_SHA256, MessageSignatures.ED25519,
            WSConstants.ECDSA_SHA256);
    /** The least RSA key an answer may be signed with, in bits. */
    private static final int LEAST_RSA_BITS = 2048;

    /** The checks of one caller of one server: see {@link #checking}. */
    public static final class Checks {
        /** The certificates this caller may find an answer's signer among, by thumbprint: from TLS handshakes and answers. */
        private final Map<String, X509Certificate[]> presented = new ConcurrentHashMap<>();
        private final String domain;
        private final WSS4JInInterceptor verifier;
        /** The thumbprint of the answer certificate this caller holds and names in its requests; null before. */
        private volatile String heldSigner;

        private Checks(String domain, Set<TrustAnchor> trusted, Provider edDsa) {
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
            Map<QName, Object> validators = new HashMap<>();
            validators.put(WSConstants.SIGNATURE, new NamingDomain(this.domain, this::verified));
            props.put(ConfigurationConstants.VALIDATOR_MAP, validators);
            this.verifier = new AnswerVerifier(props, edDsa);
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

        /**
         * For the caller's requests: names the answer certificate this caller holds in the
         * {@link #HELD_SIGNER} header, once an answer has carried one.
         */
        public Interceptor<? extends Message> offering() {
            return new AbstractSoapInterceptor(Phase.PRE_LOGICAL) {
                @Override
                public void handleMessage(SoapMessage message) {
                    String held = heldSigner;
                    if (held != null) {
                        Element header = DOMUtils.createDocument().createElementNS(ROLE, "sa:" + HELD_SIGNER.getLocalPart());
                        header.setTextContent(held);
                        message.getHeaders().add(new SoapHeader(HELD_SIGNER, header));
                    }
                }
            };
        }

        /**
         * An answer's signature verified with {@code chain}: one not from a TLS handshake (it came
         * in the answer) is kept, and named in later requests.
         */
        private void verified(X509Certificate[] chain) {
            String thumbprint = thumbprint(chain[0]);
            if (presented.putIfAbsent(thumbprint, chain.clone()) == null) {
                heldSigner = thumbprint;
            }
        }
    }

    /**
     * WS-Security's check of an answer, with its Ed25519 signatures checked by the provider given,
     * and the signature's algorithms checked against WSEmail's suite once it verified: WSS4J's own
     * algorithm check refuses any key but RSA, DSA and EC. An answer brings no token to keep, but
     * WSS4J asks for a token store anyway; unless the caller set one, it gets a small one in memory
     * instead of the cache that WS-Security would otherwise create (520 classes to load and set up:
     * 0.4 s of a command-line client's 4.3 s; docs/PERFORMANCE.md, "Command-line start-up").
     */
    static final class AnswerVerifier extends WSS4JInInterceptor {
        private final Provider edDsa;
        private final TokenStore tokens = new MemoryTokenStore();

        AnswerVerifier(Map<String, Object> props, Provider edDsa) {
            super(props);
            this.edDsa = edDsa;
        }

        @Override
        protected void setAlgorithmSuites(SoapMessage message, RequestData data) {
            // The suite is checked in handleMessage, after the signature verified.
        }

        @Override
        protected void doReceiverAction(List<Integer> actions, RequestData data) throws WSSecurityException {
            super.doReceiverAction(actions, data);
            if (edDsa != null && MessageSignatures.ED25519.equals(signatureMethod(data.getMsgContext()))) {
                data.setSignatureProvider(edDsa);
            }
        }

        @Override
        public void handleMessage(SoapMessage message) {
            if (message.getContextualProperty(SecurityConstants.TOKEN_STORE_CACHE_INSTANCE) == null) {
                message.put(SecurityConstants.TOKEN_STORE_CACHE_INSTANCE, tokens);
            }
            super.handleMessage(message);
            List<WSHandlerResult> results = CastUtils.cast((List<?>) message.get(WSHandlerConstants.RECV_RESULTS));
            for (WSHandlerResult result : results == null ? List.<WSHandlerResult>of() : results) {
                for (WSSecurityEngineResult action : result.getResults()) {
                    Integer kind = (Integer) action.get(WSSecurityEngineResult.TAG_ACTION);
                    if (kind != null && kind == WSConstants.SIGN) {
                        String refused = refusedAlgorithm(action);
                        if (refused != null) {
                            throw new SoapFault("the answer's signature uses " + refused + ", which this caller does not accept",
                                    message.getVersion().getSender());
                        }
                    }
                }
            }
        }

        /** What of a verified signature is outside WSEmail's suite, or null if nothing. */
        static String refusedAlgorithm(WSSecurityEngineResult signature) {
            String method = (String) signature.get(WSSecurityEngineResult.TAG_SIGNATURE_METHOD);
            if (!SIGNATURE_METHODS.contains(method)) {
                return "the signature method " + method;
            }
            String canonicalization = (String) signature.get(WSSecurityEngineResult.TAG_CANONICALIZATION_METHOD);
            if (!WSConstants.C14N_EXCL_OMIT_COMMENTS.equals(canonicalization)) {
                return "the canonicalization " + canonicalization;
            }
            List<WSDataRef> references = CastUtils.cast((List<?>) signature.get(WSSecurityEngineResult.TAG_DATA_REF_URIS));
            for (WSDataRef reference : references == null ? List.<WSDataRef>of() : references) {
                if (!WSConstants.SHA256.equals(reference.getDigestAlgorithm())) {
                    return "the digest " + reference.getDigestAlgorithm();
                }
            }
            X509Certificate certificate = (X509Certificate) signature.get(WSSecurityEngineResult.TAG_X509_CERTIFICATE);
            if (certificate != null && certificate.getPublicKey() instanceof RSAPublicKey rsa
                    && rsa.getModulus().bitLength() < LEAST_RSA_BITS) {
                return "an RSA key of " + rsa.getModulus().bitLength() + " bits";
            }
            return null;
        }

        /** The signature method of the answer's signature in the {@link #ROLE} security header, or null. */
        private static String signatureMethod(Object context) {
            SOAPMessage saaj = context instanceof SoapMessage message ? message.getContent(SOAPMessage.class) : null;
            try {
                Element header = saaj == null ? null : saaj.getSOAPHeader();
                for (Node child = header == null ? null : header.getFirstChild(); child != null; child = child.getNextSibling()) {
                    if (child instanceof Element security && "Security".equals(security.getLocalName())
                            && WSConstants.WSSE_NS.equals(security.getNamespaceURI()) && ROLE.equals(actor(security))) {
                        NodeList methods = security.getElementsByTagNameNS(WSConstants.SIG_NS, "SignatureMethod");
                        return methods.getLength() == 0 ? null : ((Element) methods.item(0)).getAttributeNS(null, "Algorithm");
                    }
                }
            } catch (SOAPException e) {
                return null;
            }
            return null;
        }

        /** A SOAP 1.1 header's actor, or a SOAP 1.2 header's role. */
        private static String actor(Element header) {
            String actor = header.getAttributeNS(WSConstants.URI_SOAP11_ENV, "actor");
            return actor.isEmpty() ? header.getAttributeNS(WSConstants.URI_SOAP12_ENV, "role") : actor;
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

    /**
     * Trust as WSS4J checks it, and besides: the signer's certificate names the expected domain; a
     * chain that passes is reported to {@code verified}.
     */
    private static final class NamingDomain extends SignatureTrustValidator {
        private final String domain;
        private final Consumer<X509Certificate[]> verified;

        NamingDomain(String domain, Consumer<X509Certificate[]> verified) {
            this.domain = domain;
            this.verified = verified;
        }

        @Override
        public Credential validate(Credential credential, RequestData data) throws WSSecurityException {
            Credential trusted = super.validate(credential, data);
            X509Certificate[] chain = credential.getCertificates();
            if (chain == null || chain.length == 0 || !DomainTls.dnsNames(chain[0]).contains(domain)) {
                throw new WSSecurityException(WSSecurityException.ErrorCode.FAILED_AUTHENTICATION);
            }
            verified.accept(chain);
            return trusted;
        }
    }
}
