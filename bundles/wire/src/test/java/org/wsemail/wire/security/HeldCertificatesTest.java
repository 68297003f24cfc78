package org.wsemail.wire.security;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.BeforeClass;
import org.junit.Test;
import org.w3c.dom.Element;
import org.wsemail.api.Address;
import org.wsemail.api.MailMessage;
import org.wsemail.wire.MessageCodec;

public class HeldCertificatesTest {
    private static final MessageCodec CODEC = new MessageCodec();
    private static final MessageSignatures SIGNATURES = new MessageSignatures();
    private static TestCertificates.Authority authority;
    private static X509Certificate root;
    private static KeyPair serverKey;
    private static X509Certificate server;

    @BeforeClass
    public static void certificates() throws Exception {
        authority = TestCertificates.authority("CN=held root");
        root = authority.certificate();
        serverKey = TestCertificates.keyPair();
        server = authority.issue("CN=a.test", serverKey.getPublic(), 2);
    }

    /** A message signed by the server, as its reader's server stores it: the text. */
    private static String signed(String subject) {
        MailMessage message = MailMessage.builder().messageId(subject + "@a.test").sender(Address.parse("alice@a.test"))
                .recipient(Address.parse("bob@b.test")).subject(subject).body("Noon at the usual place.")
                .timestamp(Instant.parse("2026-12-03T10:00:00Z")).build();
        Element element = CODEC.toElement(message, "m-" + subject);
        SIGNATURES.sign(element, serverKey.getPrivate(), List.of(server, root));
        return CODEC.toText(element);
    }

    private static byte[] sha256(X509Certificate certificate) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
    }

    @Test
    public void aHeldCertificateTravelsAsItsDigestAndIsPutBackBeforeTheSignatureIsChecked() throws Exception {
        HeldCertificates reader = new HeldCertificates();
        String stored = signed("first");

        // First read: the reader holds nothing, so the server sends the message as signed.
        HeldCertificates.Offer nothing = reader.offer();
        assertTrue(nothing.digests().isEmpty());
        Element first = CODEC.parse(stored);
        assertEquals(0, HeldCertificates.nameHeld(first, nothing.digests()));
        String firstText = CODEC.toText(first);
        nothing.restore(first);
        MessageSignatures.Signer signer = SIGNATURES.verify(first, Set.of(new TrustAnchor(root, null)));
        reader.remember(signer.chain());

        // Second read: the reader offers the certificate's digest, the server names it by that digest.
        HeldCertificates.Offer offer = reader.offer();
        assertEquals(1, offer.digests().size());
        assertTrue(Arrays.equals(sha256(server), offer.digests().get(0)));
        Element second = CODEC.parse(stored);
        assertEquals(1, HeldCertificates.nameHeld(second, offer.digests()));
        String secondText = CODEC.toText(second);
        assertTrue(secondText, secondText.contains("X509Digest") && !secondText.contains("X509Certificate"));
        assertTrue("the certificate's base64 is no longer sent: " + firstText.length() + " -> " + secondText.length(),
                firstText.length() - secondText.length() > server.getEncoded().length);

        // What the reader gets is the server's text: parsed again, put back and checked as the first was.
        Element received = CODEC.parse(secondText);
        offer.restore(received);
        assertEquals(server, SIGNATURES.verify(received, Set.of(new TrustAnchor(root, null))).certificate());
    }

    @Test
    public void aDigestTheReaderDidNotOfferOrAChangedMessageFailsTheCheck() throws Exception {
        HeldCertificates reader = new HeldCertificates();
        reader.remember(List.of(server));
        Element named = CODEC.parse(signed("named"));
        HeldCertificates.nameHeld(named, reader.offer().digests());
        String text = CODEC.toText(named);

        MessageSignatures.InvalidSignatureException notOffered = assertThrows(MessageSignatures.InvalidSignatureException.class,
                () -> HeldCertificates.Offer.NONE.restore(CODEC.parse(text)));
        assertTrue(notOffered.getMessage(), notOffered.getMessage().contains("did not offer"));

        MessageSignatures.InvalidSignatureException otherDigest = assertThrows(MessageSignatures.InvalidSignatureException.class,
                () -> reader.offer().restore(CODEC.parse(text.replace(HeldCertificates.SHA256,
                        "http://www.w3.org/2000/09/xmldsig#sha1"))));
        assertTrue(otherDigest.getMessage(), otherDigest.getMessage().contains("other than SHA-256"));

        Element changed = CODEC.parse(text.replace("Noon at the usual place.", "Midnight at the usual place."));
        reader.offer().restore(changed);
        assertThrows(MessageSignatures.InvalidSignatureException.class,
                () -> SIGNATURES.verify(changed, Set.of(new TrustAnchor(root, null))));
    }

    @Test
    public void aCertificateTheReaderDoesNotHoldIsSentAsSigned() throws Exception {
        KeyPair otherKey = TestCertificates.keyPair();
        X509Certificate other = authority.issue("CN=c.test", otherKey.getPublic(), 3);
        String stored = signed("unheld");
        Element element = CODEC.parse(stored);
        assertEquals(0, HeldCertificates.nameHeld(element, List.of(sha256(other), sha256(root))));
        assertEquals(CODEC.toText(CODEC.parse(stored)), CODEC.toText(element));
    }

    @Test
    public void theReaderOffersOnlyTheCertificatesItUsedLast() throws Exception {
        HeldCertificates reader = new HeldCertificates();
        List<X509Certificate> signers = new ArrayList<>();
        for (int i = 0; i < HeldCertificates.OFFERED + 2; i++) {
            KeyPair key = TestCertificates.keyPair();
            signers.add(authority.issue("CN=s" + i + ".test", key.getPublic(), 10 + i));
        }
        for (X509Certificate signer : signers) {
            reader.remember(List.of(signer));
        }
        reader.remember(List.of(signers.get(2)));  // used again: the most recent
        List<byte[]> offered = reader.offer().digests();
        assertEquals(HeldCertificates.OFFERED, offered.size());
        Set<String> expected = new HashSet<>();
        for (int i : new int[] {2, 3, 4, 5}) {
            expected.add(Base64.getEncoder().encodeToString(sha256(signers.get(i))));
        }
        assertEquals(expected, offered.stream().map(Base64.getEncoder()::encodeToString).collect(Collectors.toSet()));
    }
}
