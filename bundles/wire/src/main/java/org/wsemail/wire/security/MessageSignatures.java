package org.wsemail.wire.security;

import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import javax.xml.crypto.AlgorithmMethod;
import javax.xml.crypto.KeySelector;
import javax.xml.crypto.KeySelectorResult;
import javax.xml.crypto.XMLCryptoContext;
import javax.xml.crypto.dsig.CanonicalizationMethod;
import javax.xml.crypto.dsig.DigestMethod;
import javax.xml.crypto.dsig.Reference;
import javax.xml.crypto.dsig.SignatureMethod;
import javax.xml.crypto.dsig.SignedInfo;
import javax.xml.crypto.dsig.Transform;
import javax.xml.crypto.dsig.XMLSignature;
import javax.xml.crypto.dsig.XMLSignatureFactory;
import javax.xml.crypto.dsig.dom.DOMSignContext;
import javax.xml.crypto.dsig.dom.DOMValidateContext;
import javax.xml.crypto.dsig.keyinfo.KeyInfo;
import javax.xml.crypto.dsig.keyinfo.KeyInfoFactory;
import javax.xml.crypto.dsig.keyinfo.X509Data;
import javax.xml.crypto.dsig.spec.C14NMethodParameterSpec;
import javax.xml.crypto.dsig.spec.TransformParameterSpec;

import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.wsemail.wire.MessageCodec;

/**
 * The sending server's XMLDSIG signature on a message element: enveloped, exclusive C14N, SHA-256,
 * one reference to the element's own {@code Id}, the signer's certificate chain in the KeyInfo
 * without its self-signed root (which a reader must hold as a trust anchor anyway: 1.1 KB less in
 * every relayed and every retrieved message). The key decides the method: Ed25519 (RFC 9231) for a
 * server's message signing key, RSA-SHA256 or ECDSA-SHA256 for a server that signs with its TLS key.
 *
 * <p>Verification accepts exactly that shape and nothing looser: one Signature, as the last child of
 * the message element; one Reference, naming that element's Id; only the enveloped and exclusive
 * C14N transforms; algorithms from an allow-list; secure validation on; and a certificate chain that
 * leads to one of the caller's trust anchors. Thread-safe.
 */
public final class MessageSignatures {
    private static final String DSIG_NS = XMLSignature.XMLNS;
    private static final String RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
    private static final String ECDSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256";
    /** EdDSA over Ed25519 in XML Signature (RFC 9231, section 2.3.12). */
    static final String ED25519 = "http://www.w3.org/2021/04/xmldsig-more#eddsa-ed25519";
    private static final Set<String> SIGNATURE_ALGORITHMS = Set.of(RSA_SHA256, ECDSA_SHA256, ED25519,
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512", "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384");
    /** The context property through which the XML Signature implementation takes the provider of the signature algorithm. */
    private static final String SIGNATURE_PROVIDER = "org.jcp.xml.dsig.internal.dom.SignatureProvider";
    private static final Set<String> DIGEST_ALGORITHMS = Set.of(DigestMethod.SHA256, DigestMethod.SHA512);
    private static final List<String> TRANSFORMS = List.of(Transform.ENVELOPED, CanonicalizationMethod.EXCLUSIVE);

    private final XMLSignatureFactory factory = XMLSignatureFactory.getInstance("DOM");
    private final Provider edDsa;

    /** Signatures made and checked with the JVM's providers: for a client, which checks a message now and then. */
    public MessageSignatures() {
        this(null);
    }

    /**
     * Signatures whose Ed25519 operations go to {@code edDsa}: for a server, which signs and checks
     * every message, with Bouncy Castle's implementation, 15 and 8 times faster than the JDK's
     * (docs/PERFORMANCE.md). Given here rather than registered with the JVM, so that nothing else
     * (TLS ciphers, RSA) changes provider.
     *
     * @param edDsa a provider of the {@code Ed25519} signature algorithm, or null for the JVM's
     */
    public MessageSignatures(Provider edDsa) {
        this.edDsa = edDsa;
    }

    /**
     * The kind of a signing key as people name it: {@code Ed25519}, {@code ECDSA} or {@code RSA}
     * (else the key's own algorithm name). The JDK names an Ed25519 key {@code EdDSA} or {@code Ed25519}.
     */
    public static String keyKind(Key key) {
        return switch (key.getAlgorithm()) {
            case "EdDSA", "Ed25519" -> "Ed25519";
            case "EC" -> "ECDSA";
            default -> key.getAlgorithm();
        };
    }

    private static boolean isEdDsa(Key key) {
        return keyKind(key).equals("Ed25519");
    }

    /** The XML Signature method {@code key} signs with: Ed25519, ECDSA-SHA256, else RSA-SHA256. */
    static String signatureMethod(Key key) {
        return switch (keyKind(key)) {
            case "Ed25519" -> ED25519;
            case "ECDSA" -> ECDSA_SHA256;
            default -> RSA_SHA256;
        };
    }

    /**
     * The verified signer of a message.
     *
     * @param certificate the signer's certificate
     * @param dnsNames the mail domains it names
     * @param chain the certificate chain the message carried, the signer's first
     */
    public record Signer(X509Certificate certificate, Set<String> dnsNames, List<X509Certificate> chain) {

        /** True if the certificate names this mail domain (a subjectAltName dNSName). */
        public boolean names(String domain) {
            return dnsNames.contains(domain.toLowerCase(Locale.ROOT));
        }

        /** The kind of key the message was signed with ({@link MessageSignatures#keyKind}). */
        public String keyKind() {
            return MessageSignatures.keyKind(certificate.getPublicKey());
        }
    }

    /** The signature did not verify; the message says why, for a fault and the log. */
    public static final class InvalidSignatureException extends Exception {
        private static final long serialVersionUID = 1L;

        public InvalidSignatureException(String message) {
            super(message);
        }

        public InvalidSignatureException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The chain without a self-signed last certificate, unless that is all there is. */
    static List<X509Certificate> withoutRoot(List<X509Certificate> chain) {
        X509Certificate last = chain.get(chain.size() - 1);
        boolean selfSigned = last.getSubjectX500Principal().equals(last.getIssuerX500Principal());
        return List.copyOf(selfSigned && chain.size() > 1 ? chain.subList(0, chain.size() - 1) : chain);
    }

    /** Signs the message element in place, appending the Signature as its last child. */
    public void sign(Element message, PrivateKey key, List<X509Certificate> chain) {
        String id = message.getAttributeNS(null, MessageCodec.ID_ATTRIBUTE);
        if (id.isEmpty()) {
            throw new IllegalArgumentException("the message element has no Id to sign");
        }
        try {
            Reference reference = factory.newReference("#" + id, factory.newDigestMethod(DigestMethod.SHA256, null),
                    List.of(factory.newTransform(Transform.ENVELOPED, (TransformParameterSpec) null),
                            factory.newTransform(CanonicalizationMethod.EXCLUSIVE, (TransformParameterSpec) null)),
                    null, null);
            SignedInfo signedInfo = factory.newSignedInfo(
                    factory.newCanonicalizationMethod(CanonicalizationMethod.EXCLUSIVE, (C14NMethodParameterSpec) null),
                    factory.newSignatureMethod(signatureMethod(key), null),
                    List.of(reference));
            KeyInfoFactory keyInfos = factory.getKeyInfoFactory();
            KeyInfo keyInfo = keyInfos.newKeyInfo(List.of(keyInfos.newX509Data(withoutRoot(chain))));
            DOMSignContext context = new DOMSignContext(key, message);
            context.setIdAttributeNS(message, null, MessageCodec.ID_ATTRIBUTE);
            if (isEdDsa(key) && edDsa != null) {
                context.setProperty(SIGNATURE_PROVIDER, edDsa);
            }
            context.setDefaultNamespacePrefix("ds");
            factory.newXMLSignature(signedInfo, keyInfo).sign(context);
        } catch (GeneralSecurityException | javax.xml.crypto.MarshalException | javax.xml.crypto.dsig.XMLSignatureException e) {
            throw new IllegalStateException("cannot sign the message", e);
        }
    }

    /**
     * Verifies the sending server's signature on a message element.
     *
     * @param anchors the trusted root certificates
     * @return the signer, whose certificate chains to one of {@code anchors}
     * @throws InvalidSignatureException saying what is wrong
     */
    public Signer verify(Element message, Set<TrustAnchor> anchors) throws InvalidSignatureException {
        Signer signer = verifyLeavingTrustToCaller(message);
        validateChain(signer.chain(), anchors);
        return signer;
    }

    /**
     * Verifies the signature and its shape as {@link #verify} does, but not where the signer's
     * certificate chain leads: for a caller that validates the chain itself (a server, against the
     * roots bound to each domain the certificate names, with their revocation lists), so that it is
     * not validated twice. The signer returned is not trusted until the caller has done so.
     */
    public Signer verifyLeavingTrustToCaller(Element message) throws InvalidSignatureException {
        Element signature = onlySignature(message);
        String id = message.getAttributeNS(null, MessageCodec.ID_ATTRIBUTE);
        if (id.isEmpty()) {
            throw new InvalidSignatureException("the message has no Id, so no signature can cover it");
        }
        message.setIdAttributeNS(null, MessageCodec.ID_ATTRIBUTE, true);
        CertificateSelector selector = new CertificateSelector();
        DOMValidateContext context = new DOMValidateContext(selector, signature);
        context.setIdAttributeNS(message, null, MessageCodec.ID_ATTRIBUTE);
        context.setProperty("org.jcp.xml.dsig.secureValidation", Boolean.TRUE);
        try {
            XMLSignature xmlSignature = factory.unmarshalXMLSignature(context);
            checkShape(xmlSignature.getSignedInfo(), id);
            if (edDsa != null && ED25519.equals(xmlSignature.getSignedInfo().getSignatureMethod().getAlgorithm())) {
                context.setProperty(SIGNATURE_PROVIDER, edDsa);
            }
            if (!xmlSignature.validate(context)) {
                throw new InvalidSignatureException("the signature does not match the message: it was changed after signing");
            }
        } catch (javax.xml.crypto.MarshalException | javax.xml.crypto.dsig.XMLSignatureException e) {
            throw new InvalidSignatureException("the signature cannot be checked: " + e.getMessage(), e);
        }
        if (selector.chain.isEmpty()) {
            throw new InvalidSignatureException("the signature carries no certificate");
        }
        X509Certificate signer = selector.chain.get(0);
        return new Signer(signer, DomainTls.dnsNames(signer), selector.chain);
    }

    private static Element onlySignature(Element message) throws InvalidSignatureException {
        Element found = null;
        Node last = null;
        for (Node child = message.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child.getNodeType() == Node.ELEMENT_NODE) {
                last = child;
                if (DSIG_NS.equals(child.getNamespaceURI()) && "Signature".equals(child.getLocalName())) {
                    if (found != null) {
                        throw new InvalidSignatureException("the message carries more than one signature");
                    }
                    found = (Element) child;
                }
            }
        }
        if (found == null) {
            throw new InvalidSignatureException("the message is not signed");
        }
        if (found != last) {
            throw new InvalidSignatureException("the signature is not the last part of the message");
        }
        if (message.getElementsByTagNameNS(DSIG_NS, "Signature").getLength() != 1) {
            throw new InvalidSignatureException("the message hides further signatures");
        }
        return found;
    }

    private static void checkShape(SignedInfo signedInfo, String id) throws InvalidSignatureException {
        if (!CanonicalizationMethod.EXCLUSIVE.equals(signedInfo.getCanonicalizationMethod().getAlgorithm())) {
            throw new InvalidSignatureException("canonicalization must be exclusive C14N");
        }
        if (!SIGNATURE_ALGORITHMS.contains(signedInfo.getSignatureMethod().getAlgorithm())) {
            throw new InvalidSignatureException("signature algorithm not allowed: " + signedInfo.getSignatureMethod().getAlgorithm());
        }
        List<?> references = signedInfo.getReferences();
        if (references.size() != 1) {
            throw new InvalidSignatureException("the signature must have exactly one reference, it has " + references.size());
        }
        Reference reference = (Reference) references.get(0);
        if (!("#" + id).equals(reference.getURI())) {
            throw new InvalidSignatureException("the signature covers '" + reference.getURI() + "', not this message");
        }
        if (!DIGEST_ALGORITHMS.contains(reference.getDigestMethod().getAlgorithm())) {
            throw new InvalidSignatureException("digest algorithm not allowed: " + reference.getDigestMethod().getAlgorithm());
        }
        List<String> transforms = new ArrayList<>();
        for (Object transform : reference.getTransforms()) {
            transforms.add(((Transform) transform).getAlgorithm());
        }
        if (!TRANSFORMS.equals(transforms)) {
            throw new InvalidSignatureException("transforms not allowed: " + transforms);
        }
    }

    /** Validates a chain that {@link #verifyLeavingTrustToCaller} found non-empty. */
    private static void validateChain(List<X509Certificate> chain, Set<TrustAnchor> anchors) throws InvalidSignatureException {
        try {
            CertPath path = CertificateFactory.getInstance("X.509").generateCertPath(chain);
            PKIXParameters parameters = new PKIXParameters(anchors);
            parameters.setRevocationEnabled(false);
            CertPathValidator.getInstance("PKIX").validate(path, parameters);
        } catch (GeneralSecurityException e) {
            throw new InvalidSignatureException("the signer's certificate is not trusted: " + e.getMessage(), e);
        }
    }

    /** Takes the key from the certificate chain in the KeyInfo, leaf first, and remembers the chain. */
    private static final class CertificateSelector extends KeySelector {
        private List<X509Certificate> chain = List.of();

        @Override
        public KeySelectorResult select(KeyInfo keyInfo, Purpose purpose, AlgorithmMethod method, XMLCryptoContext context)
                throws javax.xml.crypto.KeySelectorException {
            if (keyInfo == null) {
                throw new javax.xml.crypto.KeySelectorException("no KeyInfo");
            }
            List<X509Certificate> certificates = new ArrayList<>();
            for (Object info : keyInfo.getContent()) {
                if (info instanceof X509Data data) {
                    for (Object item : data.getContent()) {
                        if (item instanceof X509Certificate certificate) {
                            certificates.add(certificate);
                        }
                    }
                }
            }
            if (certificates.isEmpty()) {
                throw new javax.xml.crypto.KeySelectorException("no X.509 certificate in the KeyInfo");
            }
            chain = List.copyOf(certificates);
            Key key = certificates.get(0).getPublicKey();
            return () -> key;
        }
    }
}
