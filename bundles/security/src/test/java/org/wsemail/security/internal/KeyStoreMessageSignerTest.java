package org.wsemail.security.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.security.cert.TrustAnchor;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.BeforeClass;
import org.junit.Test;
import org.wsemail.api.Address;
import org.wsemail.api.MailMessage;
import org.wsemail.api.server.MessageSigner.InvalidSignatureException;
import org.wsemail.api.server.MessageSigner.VerifiedMessage;
import org.wsemail.security.Pki;

/** Signatures made and checked with real RSA keys and certificates from a real (test) CA. */
public class KeyStoreMessageSignerTest {
    private static KeyStoreMessageSigner aServer;
    private static KeyStoreMessageSigner bServer;
    private static KeyStoreMessageSigner outsider;

    private static final MailMessage MESSAGE = MailMessage.builder().messageId("m-42@a.test")
            .sender(Address.parse("alice@a.test")).recipient(Address.parse("bob@b.test"))
            .subject("Quarterly figures").body("Revenue is up 10%.").timestamp(Instant.parse("2026-11-28T12:00:00Z"))
            .build();

    @BeforeClass
    public static void createDomains() {
        Pki.CertifiedKey ca = Pki.createAuthority("Test CA", Duration.ofDays(1));
        Pki.CertifiedKey a = Pki.issueServerCertificate(ca, "A.test", Duration.ofDays(1));
        Pki.CertifiedKey b = Pki.issueServerCertificate(ca, "b.test", Duration.ofDays(1));
        Set<TrustAnchor> trustCa = Set.of(new TrustAnchor(ca.certificate(), null));
        aServer = new KeyStoreMessageSigner(a.keyPair().getPrivate(), List.of(a.certificate(), ca.certificate()), trustCa);
        bServer = new KeyStoreMessageSigner(b.keyPair().getPrivate(), List.of(b.certificate(), ca.certificate()), trustCa);

        Pki.CertifiedKey otherCa = Pki.createAuthority("Other CA", Duration.ofDays(1));
        Pki.CertifiedKey fake = Pki.issueServerCertificate(otherCa, "a.test", Duration.ofDays(1));
        outsider = new KeyStoreMessageSigner(fake.keyPair().getPrivate(), List.of(fake.certificate(), otherCa.certificate()),
                Set.of(new TrustAnchor(otherCa.certificate(), null)));
    }

    @Test
    public void anotherServerVerifiesWhatThisOneSignedAndLearnsItsDomain() throws Exception {
        String signed = aServer.sign(MESSAGE);

        VerifiedMessage verified = bServer.verify(signed);

        assertEquals(MESSAGE, verified.message());
        assertEquals(Set.of("a.test"), verified.signerDomains());
        assertTrue(verified.signerSubject(), verified.signerSubject().contains("CN=a.test"));
    }

    @Test
    public void aMessageChangedAfterSigningIsRefused() {
        String signed = aServer.sign(MESSAGE);
        assertRefused(signed.replace("up 10%", "up 90%"), "changed after signing");
        assertRefused(signed.replace("bob@b.test", "eve@b.test"), "changed after signing");
    }

    @Test
    public void aSignerFromAnUntrustedAuthorityIsRefusedEvenIfItNamesTheRightDomain() {
        assertRefused(outsider.sign(MESSAGE), "the signer's certificate is not trusted");
    }

    @Test
    public void wrappingTheSignatureAroundOtherContentIsRefused() {
        String signed = aServer.sign(MESSAGE);
        String id = signed.replaceAll("(?s).*Id=\"([^\"]+)\".*", "$1");
        int signatureStart = signed.indexOf("<ds:Signature");
        String signature = signed.substring(signatureStart, signed.indexOf("</ds:Signature>") + "</ds:Signature>".length());

        String forged = aServer.sign(MESSAGE.toBuilder().body("Send the money to Mallory.").build());
        String forgedWithStolenSignature = forged.substring(0, forged.indexOf("<ds:Signature"))
                .replaceAll("Id=\"[^\"]+\"", "Id=\"" + id + "\"") + signature + "</message>";
        assertRefused(forgedWithStolenSignature, "changed after signing");

        String twoSignatures = signed.replace("</message>", signature + "</message>");
        assertRefused(twoSignatures, "more than one signature");

        String signatureNotLast = signed.replace("</ds:Signature>", "</ds:Signature><subject>x</subject>");
        assertRefused(signatureNotLast, "not the last part");

        String nested = signed.replace("<subject>", "<subject><ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"/>");
        assertRefused(nested, "");
    }

    @Test
    public void trustingAnotherRootLetsItsServersSignaturesVerify() throws Exception {
        Pki.CertifiedKey ca = Pki.createAuthority("Local CA", Duration.ofDays(1));
        Pki.CertifiedKey local = Pki.issueServerCertificate(ca, "c.test", Duration.ofDays(1));
        Pki.CertifiedKey otherCa = Pki.createAuthority("Partner CA", Duration.ofDays(1));
        Pki.CertifiedKey partner = Pki.issueServerCertificate(otherCa, "a.test", Duration.ofDays(1));
        KeyStoreMessageSigner c = new KeyStoreMessageSigner(local.keyPair().getPrivate(), List.of(local.certificate()),
                Set.of(new TrustAnchor(ca.certificate(), null)));
        KeyStoreMessageSigner partnerServer = new KeyStoreMessageSigner(partner.keyPair().getPrivate(),
                List.of(partner.certificate(), otherCa.certificate()), Set.of(new TrustAnchor(otherCa.certificate(), null)));
        String signed = partnerServer.sign(MESSAGE);
        try {
            c.verify(signed);
            fail("verified before trusting the partner's CA");
        } catch (InvalidSignatureException expected) {
            assertTrue(expected.getMessage().contains("not trusted"));
        }

        assertTrue(c.add(otherCa.certificate()));
        assertEquals(Set.of("a.test"), c.verify(signed).signerDomains());
        assertEquals(false, c.add(otherCa.certificate()));
        try {
            c.add(partner.certificate());
            fail("trusted a server certificate as a root");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().startsWith("not a CA certificate"));
        }
        assertEquals(2, c.roots().size());
    }

    @Test
    public void unsignedMalformedAndHostileXmlIsRefused() {
        String signed = aServer.sign(MESSAGE);
        String unsigned = signed.substring(0, signed.indexOf("<ds:Signature")) + "</message>";
        assertRefused(unsigned, "the message is not signed");
        assertRefused("<message", "not a well-formed signed message");
        assertRefused("<!DOCTYPE m [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><m>&x;</m>", "not a well-formed signed message");
    }

    private static void assertRefused(String xml, String reason) {
        try {
            bServer.verify(xml);
            fail("accepted: " + xml);
        } catch (InvalidSignatureException expected) {
            assertTrue("'" + expected.getMessage() + "' should say '" + reason + "'", expected.getMessage().contains(reason));
        }
    }
}
