package org.wsemail.forms;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import javax.xml.crypto.MarshalException;
import javax.xml.crypto.dsig.CanonicalizationMethod;
import javax.xml.crypto.dsig.DigestMethod;
import javax.xml.crypto.dsig.Reference;
import javax.xml.crypto.dsig.Transform;
import javax.xml.crypto.dsig.XMLSignatureException;
import javax.xml.crypto.dsig.XMLSignatureFactory;
import javax.xml.crypto.dsig.dom.DOMSignContext;
import javax.xml.crypto.dsig.keyinfo.KeyInfoFactory;
import javax.xml.crypto.dsig.spec.C14NMethodParameterSpec;
import javax.xml.crypto.dsig.spec.TransformParameterSpec;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Signs a form as its approvers do: each sign-off is an XMLDSIG signature with the approver's user
 * certificate (issued by their domain's authority, naming their address) over the plug-in
 * coordinates, the data and every sign-off before it, so that nothing signed can change unseen.
 * Exclusive C14N, SHA-256, RSA or ECDSA; the certificate chain without its root in the KeyInfo.
 * Thread-safe.
 */
public final class FormSignatures {
    static final String RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
    static final String ECDSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256";

    private final XMLSignatureFactory factory = XMLSignatureFactory.getInstance("DOM");

    /**
     * Adds a signed sign-off for the step the form waits at (or the submission, for the first one).
     * It does not move the form on: the caller does that ({@link Form#advance()}) once sent.
     *
     * @param decision what the signer says; {@link Form.Decision#SUBMITTED} only as the first
     * @param comment a reason or remark; may be empty
     * @param delegate for {@link Form.Decision#DELEGATED}, who may sign instead; else empty
     * @param key the signer's private key
     * @param chain the signer's certificate chain, theirs first; it names the signer's address
     * @return the sign-off added
     * @throws IllegalStateException if the form is not waiting for this sign-off
     * @throws IllegalArgumentException if the key is neither RSA nor ECDSA (the form is left as it was)
     */
    public Form.Signoff signoff(Form form, Form.Decision decision, String comment, String delegate, PrivateKey key,
            List<X509Certificate> chain, Instant at) {
        String method = signatureMethod(key);
        String by = address(chain.get(0));
        int count = form.signoffElements().size();
        if ((decision == Form.Decision.SUBMITTED) != (count == 0)) {
            throw new IllegalStateException(count == 0 ? "the first sign-off is the submission" : "the form was submitted already");
        }
        if (decision != Form.Decision.SUBMITTED && form.currentStep().isEmpty()) {
            throw new IllegalStateException("the form waits for no one: " + form.summary());
        }
        if (decision == Form.Decision.DELEGATED && (delegate == null || delegate.isBlank())) {
            throw new IllegalArgumentException("a delegation names the delegate");
        }
        Element signoff = form.document().createElementNS(Form.NS, "signoff");
        String id = "signoff-" + count;
        signoff.setAttributeNS(null, Form.ID, id);
        signoff.setAttributeNS(null, "by", by);
        signoff.setAttributeNS(null, "step", String.valueOf(decision == Form.Decision.SUBMITTED ? 0 : form.current()));
        signoff.setAttributeNS(null, "decision", decision.wire());
        signoff.setAttributeNS(null, "at", at.toString());
        if (comment != null && !comment.isBlank()) {
            signoff.setAttributeNS(null, "comment", comment.strip());
        }
        if (decision == Form.Decision.DELEGATED) {
            signoff.setAttributeNS(null, "delegate", delegate.strip().toLowerCase(Locale.ROOT));
        }
        form.signoffsElement().appendChild(signoff);
        form.markIds();
        List<String> covered = new ArrayList<>(List.of(Form.PLUGIN_ID, Form.DATA_ID));
        for (int i = 0; i <= count; i++) {
            covered.add("signoff-" + i);
        }
        sign(signoff, covered, key, method, chain);
        return Form.readSignoff(signoff, count);
    }

    /**
     * A standing delegation, signed by its giver: {@code to} may sign forms for the signer until
     * {@code until}. A server keeps it for a user who is away and puts it into the forms it forwards
     * to the delegate ({@link Form#addDelegation}).
     *
     * @return the signed {@code <delegation>} element as a document of its own
     */
    public byte[] delegation(String to, Instant until, PrivateKey key, List<X509Certificate> chain) {
        String method = signatureMethod(key);
        Document document = Form.newBuilder().newDocument();
        Element delegation = document.createElementNS(Form.NS, "delegation");
        document.appendChild(delegation);
        delegation.setAttributeNS(javax.xml.XMLConstants.XMLNS_ATTRIBUTE_NS_URI, "xmlns", Form.NS);
        String id = "delegation-" + UUID.randomUUID();
        delegation.setAttributeNS(null, Form.ID, id);
        delegation.setIdAttributeNS(null, Form.ID, true);
        delegation.setAttributeNS(null, "from", address(chain.get(0)));
        delegation.setAttributeNS(null, "to", to.toLowerCase(Locale.ROOT));
        delegation.setAttributeNS(null, "until", until.toString());
        sign(delegation, List.of(id), key, method, chain);
        return serialize(document);
    }

    private static byte[] serialize(Document document) {
        try {
            javax.xml.transform.Transformer transformer = javax.xml.transform.TransformerFactory.newInstance().newTransformer();
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            transformer.transform(new javax.xml.transform.dom.DOMSource(document), new javax.xml.transform.stream.StreamResult(out));
            return out.toByteArray();
        } catch (javax.xml.transform.TransformerException e) {
            throw new IllegalStateException("cannot write the delegation", e);
        }
    }

    /**
     * The signature method for the signer's key, RSA-SHA256 or ECDSA-SHA256 (the ones {@link
     * FormVerifier} accepts): any other kind of key is refused before anything is added to a form.
     */
    private static String signatureMethod(PrivateKey key) {
        return switch (key.getAlgorithm()) {
            case "RSA" -> RSA_SHA256;
            case "EC" -> ECDSA_SHA256;
            default -> throw new IllegalArgumentException("forms are signed with RSA or ECDSA keys; this key is "
                    + key.getAlgorithm() + ", and nothing was signed");
        };
    }

    /** Appends to {@code parent} a signature over the elements with these Ids, in this order. */
    private void sign(Element parent, List<String> ids, PrivateKey key, String method, List<X509Certificate> chain) {
        try {
            List<Reference> references = new ArrayList<>();
            for (String id : ids) {
                references.add(factory.newReference("#" + id, factory.newDigestMethod(DigestMethod.SHA256, null),
                        List.of(factory.newTransform(Transform.ENVELOPED, (TransformParameterSpec) null),
                                factory.newTransform(CanonicalizationMethod.EXCLUSIVE, (TransformParameterSpec) null)),
                        null, null));
            }
            KeyInfoFactory keyInfos = factory.getKeyInfoFactory();
            DOMSignContext context = new DOMSignContext(key, parent);
            context.setDefaultNamespacePrefix("ds");
            factory.newXMLSignature(factory.newSignedInfo(
                    factory.newCanonicalizationMethod(CanonicalizationMethod.EXCLUSIVE, (C14NMethodParameterSpec) null),
                    factory.newSignatureMethod(method, null), references),
                    keyInfos.newKeyInfo(List.of(keyInfos.newX509Data(withoutRoot(chain))))).sign(context);
        } catch (GeneralSecurityException | MarshalException | XMLSignatureException e) {
            throw new IllegalStateException("cannot sign the form", e);
        }
    }

    private static List<X509Certificate> withoutRoot(List<X509Certificate> chain) {
        X509Certificate last = chain.get(chain.size() - 1);
        boolean selfSigned = last.getSubjectX500Principal().equals(last.getIssuerX500Principal());
        return List.copyOf(selfSigned && chain.size() > 1 ? chain.subList(0, chain.size() - 1) : chain);
    }

    /**
     * The one mail address a user certificate names (its subjectAltName rfc822Name), lower case.
     *
     * @throws IllegalArgumentException if it names none or several
     */
    public static String address(X509Certificate certificate) {
        List<String> addresses = new ArrayList<>();
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            if (names != null) {
                for (List<?> name : names) {
                    if (Integer.valueOf(1).equals(name.get(0))) {
                        addresses.add(String.valueOf(name.get(1)).toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            throw new IllegalArgumentException("unreadable certificate names: " + e.getMessage(), e);
        }
        if (addresses.size() != 1) {
            throw new IllegalArgumentException("the certificate of " + certificate.getSubjectX500Principal().getName()
                    + " names " + (addresses.isEmpty() ? "no mail address" : "several addresses " + addresses)
                    + ": only a user certificate signs forms");
        }
        return addresses.get(0);
    }
}
