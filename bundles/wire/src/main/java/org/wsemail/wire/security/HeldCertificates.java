package org.wsemail.wire.security;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.xml.crypto.dsig.XMLSignature;

import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The signing certificates a reader already holds, so that its server need not send one again in
 * every message the reader reads (about 1 KB of base64 each). The reader offers the SHA-256 digests
 * of the few it used last ({@link #offer}); where a message's signature carries one of them, the
 * server names it by its digest instead ({@link #nameHeld}: XML Signature 1.1's
 * {@code dsig11:X509Digest} in the KeyInfo, which the signature does not cover); the reader puts the
 * certificate back before it checks the signature ({@link Offer#restore}). Trust does not change:
 * the certificate put back is checked exactly as if it had come in the message, and a reader
 * remembers only certificates of messages whose signatures verified ({@link #remember}).
 * Thread-safe.
 */
public final class HeldCertificates {
    /** At most this many digests in a request, the ones used last. */
    public static final int OFFERED = 4;
    /** The namespace of XML Signature 1.1's additions, {@code X509Digest} among them. */
    static final String DSIG11_NS = "http://www.w3.org/2009/xmldsig11#";
    static final String SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256";
    private static final String DSIG_NS = XMLSignature.XMLNS;
    private static final String XMLNS_NS = "http://www.w3.org/2000/xmlns/";

    private final Map<String, X509Certificate> used = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, X509Certificate> eldest) {
            return size() > OFFERED;
        }
    };

    /** What a reader offers for one read: the digests it sends, and the certificates they stand for. */
    public static final class Offer {
        private final Map<String, X509Certificate> byDigest;

        private Offer(Map<String, X509Certificate> byDigest) {
            this.byDigest = Map.copyOf(byDigest);
        }

        /** No certificates: for a message that came some other way than a read that offered some. */
        public static final Offer NONE = new Offer(Map.of());

        /** The SHA-256 digests, for the request. */
        public List<byte[]> digests() {
            return byDigest.keySet().stream().map(Base64.getDecoder()::decode).toList();
        }

        /**
         * Puts back into {@code message}'s signature each certificate its server named by digest.
         *
         * @throws MessageSignatures.InvalidSignatureException if a digest names a certificate this
         *         offer did not hold, or is not a SHA-256 digest
         */
        public void restore(Element message) throws MessageSignatures.InvalidSignatureException {
            for (Element digest : digestsIn(message)) {
                if (!SHA256.equals(digest.getAttribute("Algorithm"))) {
                    throw new MessageSignatures.InvalidSignatureException(
                            "the signer's certificate is named by a digest other than SHA-256: " + digest.getAttribute("Algorithm"));
                }
                X509Certificate certificate = byDigest.get(digest.getTextContent().strip());
                if (certificate == null) {
                    throw new MessageSignatures.InvalidSignatureException(
                            "the server named the signer's certificate by a digest this reader did not offer");
                }
                Element carried = message.getOwnerDocument().createElementNS(DSIG_NS, prefixed(digest, "X509Certificate"));
                try {
                    carried.setTextContent(Base64.getEncoder().encodeToString(certificate.getEncoded()));
                } catch (CertificateEncodingException e) {
                    throw new IllegalStateException("a held certificate cannot be encoded", e);
                }
                digest.getParentNode().replaceChild(carried, digest);
            }
        }
    }

    /** The digests of the certificates used last, at most {@link #OFFERED}, for one read. */
    public synchronized Offer offer() {
        return new Offer(used);
    }

    /** Remembers the certificates of a message whose signature verified (its chain, the signer's first). */
    public synchronized void remember(List<X509Certificate> chain) {
        for (X509Certificate certificate : chain) {
            try {
                used.put(digest(certificate.getEncoded()), certificate);
            } catch (CertificateEncodingException e) {
                throw new IllegalStateException("a verified certificate cannot be encoded", e);
            }
        }
    }

    /**
     * The server's side: names by digest each certificate in {@code message}'s signature whose
     * SHA-256 digest is among {@code held}.
     *
     * @return how many certificates were left out
     */
    public static int nameHeld(Element message, Collection<byte[]> held) {
        if (held.isEmpty()) {
            return 0;
        }
        Set<String> digests = new HashSet<>();
        held.forEach(digest -> digests.add(Base64.getEncoder().encodeToString(digest)));
        int named = 0;
        for (Element certificate : certificatesIn(message)) {
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(certificate.getTextContent());
            } catch (IllegalArgumentException e) {
                continue;  // not base64: left as it is, and the reader's check says so
            }
            String digest = digest(der);
            if (digests.contains(digest)) {
                Element named11 = message.getOwnerDocument().createElementNS(DSIG11_NS, "dsig11:X509Digest");
                named11.setAttributeNS(XMLNS_NS, "xmlns:dsig11", DSIG11_NS);
                named11.setAttributeNS(null, "Algorithm", SHA256);
                named11.setTextContent(digest);
                certificate.getParentNode().replaceChild(named11, certificate);
                named++;
            }
        }
        return named;
    }

    private static List<Element> certificatesIn(Element message) {
        return inX509Data(message, DSIG_NS, "X509Certificate");
    }

    private static List<Element> digestsIn(Element message) {
        return inX509Data(message, DSIG11_NS, "X509Digest");
    }

    /** The children named so of each X509Data in the KeyInfo of the message's own signature (its child). */
    private static List<Element> inX509Data(Element message, String namespace, String name) {
        List<Element> found = new ArrayList<>();
        for (Element signature : children(message, DSIG_NS, "Signature")) {
            for (Element keyInfo : children(signature, DSIG_NS, "KeyInfo")) {
                for (Element data : children(keyInfo, DSIG_NS, "X509Data")) {
                    found.addAll(children(data, namespace, name));
                }
            }
        }
        return found;
    }

    private static List<Element> children(Element parent, String namespace, String name) {
        List<Element> found = new ArrayList<>();
        for (Node child = parent.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element element && namespace.equals(element.getNamespaceURI()) && name.equals(element.getLocalName())) {
                found.add(element);
            }
        }
        return found;
    }

    /** {@code name} with the prefix the XML Signature namespace has on {@code like}'s parent (its X509Data). */
    private static String prefixed(Element like, String name) {
        Node x509Data = like.getParentNode();
        String prefix = x509Data == null ? null : x509Data.getPrefix();
        return prefix == null ? name : prefix + ":" + name;
    }

    private static String digest(byte[] der) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(der));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JVM", e);
        }
    }
}
