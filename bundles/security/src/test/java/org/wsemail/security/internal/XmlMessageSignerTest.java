package org.wsemail.security.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.xml.crypto.dom.DOMStructure;
import javax.xml.crypto.dsig.CanonicalizationMethod;
import javax.xml.crypto.dsig.DigestMethod;
import javax.xml.crypto.dsig.Reference;
import javax.xml.crypto.dsig.SignedInfo;
import javax.xml.crypto.dsig.Transform;
import javax.xml.crypto.dsig.XMLSignatureFactory;
import javax.xml.crypto.dsig.dom.DOMSignContext;
import javax.xml.crypto.dsig.keyinfo.KeyInfo;
import javax.xml.crypto.dsig.keyinfo.KeyInfoFactory;
import javax.xml.crypto.dsig.spec.C14NMethodParameterSpec;
import javax.xml.crypto.dsig.spec.TransformParameterSpec;
import javax.xml.crypto.dsig.spec.XPathFilterParameterSpec;
import javax.xml.crypto.dsig.spec.XSLTTransformParameterSpec;

import org.junit.BeforeClass;
import org.junit.Test;
import org.wsemail.api.Address;
import org.wsemail.api.MailMessage;
import org.wsemail.api.server.MessageSigner.InvalidSignatureException;
import org.wsemail.api.server.MessageSigner.VerifiedMessage;
import org.w3c.dom.Element;
import org.wsemail.security.Pki;
import org.wsemail.wire.MessageCodec;
import org.wsemail.wire.security.MessageSignatures;

/** Signatures made and checked with real RSA and Ed25519 keys and certificates from a real (test) CA. */
public class XmlMessageSignerTest {
    private static XmlMessageSigner aServer;
    private static XmlMessageSigner bServer;
    private static XmlMessageSigner outsider;
    private static Pki.CertifiedKey ca;
    private static Pki.CertifiedKey a;

    private static final MailMessage MESSAGE = MailMessage.builder().messageId("m-42@a.test")
            .sender(Address.parse("alice@a.test")).recipient(Address.parse("bob@b.test"))
            .subject("Quarterly figures").body("Revenue is up 10%.").timestamp(Instant.parse("2026-11-28T12:00:00Z"))
            .build();

    @BeforeClass
    public static void createDomains() {
        ca = Pki.createAuthority("Test CA", Duration.ofDays(1));
        a = Pki.issueServerCertificate(ca, "A.test", Duration.ofDays(1));
        Pki.CertifiedKey b = Pki.issueServerCertificate(ca, "b.test", Duration.ofDays(1));
        Map<X509Certificate, Set<String>> shared = Map.of(ca.certificate(), Set.of("a.test", "b.test"));
        aServer = signer(a, List.of(a.certificate(), ca.certificate()), new KeyStoreTrustedRoots(shared));
        bServer = signer(b, List.of(b.certificate(), ca.certificate()), new KeyStoreTrustedRoots(shared));

        Pki.CertifiedKey otherCa = Pki.createAuthority("Other CA", Duration.ofDays(1));
        Pki.CertifiedKey fake = Pki.issueServerCertificate(otherCa, "a.test", Duration.ofDays(1));
        outsider = signer(fake, List.of(fake.certificate(), otherCa.certificate()),
                new KeyStoreTrustedRoots(Map.of(otherCa.certificate(), Set.of("a.test"))));
    }

    private static XmlMessageSigner signer(Pki.CertifiedKey server, List<X509Certificate> chain, KeyStoreTrustedRoots roots) {
        return new XmlMessageSigner(new CredentialStores(server.keyPair().getPrivate(), chain), roots);
    }

    @Test
    public void anotherServerVerifiesWhatThisOneSignedAndLearnsItsDomain() throws Exception {
        String signed = aServer.sign(MESSAGE).signedXml();

        VerifiedMessage verified = bServer.verify(signed);

        assertEquals(MESSAGE, verified.message());
        assertEquals(Set.of("a.test"), verified.signerDomains());
        assertTrue(verified.signerSubject(), verified.signerSubject().contains("CN=a.test"));
        assertEquals("the server's certificate travels, the root it leads to does not", 1,
                signed.split("X509Certificate>", -1).length / 2);
    }

    @Test
    public void aServerWithAnEd25519MessageSigningKeySignsWithItAndOtherServersVerifyIt() throws Exception {
        Pki.CertifiedKey signing = Pki.issueMessageSigningCertificate(ca, "a.test", Duration.ofDays(1));
        assertEquals("Ed25519 key", "EdDSA", signing.certificate().getPublicKey().getAlgorithm());
        assertTrue("good for signatures only", signing.certificate().getKeyUsage()[0]
                && !signing.certificate().getKeyUsage()[2]);
        XmlMessageSigner aWithEd25519 = signer(signing, List.of(signing.certificate(), ca.certificate()),
                new KeyStoreTrustedRoots(Map.of(ca.certificate(), Set.of("a.test", "b.test"))));

        String signed = aWithEd25519.sign(MESSAGE).signedXml();
        VerifiedMessage verified = bServer.verify(signed);

        assertEquals(MESSAGE, verified.message());
        assertEquals(Set.of("a.test"), verified.signerDomains());
        assertTrue(signed, signed.contains("Algorithm=\"http://www.w3.org/2021/04/xmldsig-more#eddsa-ed25519\""));
        MessageSignatures.Signer read = new MessageSignatures()
                .verify(new MessageCodec().parse(signed), Set.of(new TrustAnchor(ca.certificate(), null)));
        assertEquals("a reader's client, with the JDK's Ed25519, checks what Bouncy Castle's signed", Set.of("a.test"),
                read.dnsNames());
        assertEquals("the kind of key a reader is told", "Ed25519", read.keyKind());
        String rsaSigned = aServer.sign(MESSAGE).signedXml();
        assertEquals("RSA", new MessageSignatures()
                .verify(new MessageCodec().parse(rsaSigned), Set.of(new TrustAnchor(ca.certificate(), null))).keyKind());
        assertTrue("an Ed25519 signature and certificate are smaller: " + signed.length() + " against " + rsaSigned.length(),
                signed.length() < rsaSigned.length() - 500);
        assertRefused(signed.replace("up 10%", "up 90%"), "changed after signing");
        String value = signed.replaceAll("(?s).*<ds:SignatureValue>([^<]+)</ds:SignatureValue>.*", "$1");
        String otherValue = (value.charAt(0) == 'A' ? "B" : "A") + value.substring(1);
        assertRefused(signed.replace(value, otherValue), "changed after signing");
    }

    @Test
    public void aMessageChangedAfterSigningIsRefused() {
        String signed = aServer.sign(MESSAGE).signedXml();
        assertRefused(signed.replace("up 10%", "up 90%"), "changed after signing");
        assertRefused(signed.replace("bob@b.test", "eve@b.test"), "changed after signing");
    }

    @Test
    public void aSignerFromAnUntrustedAuthorityIsRefusedEvenIfItNamesTheRightDomain() {
        assertRefused(outsider.sign(MESSAGE).signedXml(), "the certificate of O=WSEmail,CN=a.test is not trusted for a.test");
    }

    @Test
    public void wrappingTheSignatureAroundOtherContentIsRefused() {
        String signed = aServer.sign(MESSAGE).signedXml();
        String id = signed.replaceAll("(?s).*Id=\"([^\"]+)\".*", "$1");
        int signatureStart = signed.indexOf("<ds:Signature");
        String signature = signed.substring(signatureStart, signed.indexOf("</ds:Signature>") + "</ds:Signature>".length());

        String forged = aServer.sign(MESSAGE.toBuilder().body("Send the money to Mallory.").build()).signedXml();
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

    /**
     * Signatures by a.test's real key that a standard verifier would accept, but whose shape this
     * server refuses before running any transform: weak algorithms, inclusive canonicalization,
     * XPath and XSLT transforms, references to the whole document or to another element.
     */
    @Test
    public void signaturesOfAnyOtherShapeAreRefusedEvenWithTheRightKey() throws Exception {
        String enveloped = Transform.ENVELOPED;
        String exclusive = CanonicalizationMethod.EXCLUSIVE;
        String rsaSha256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
        // The control: the accepted shape, made by this test's own code, verifies.
        assertEquals(MESSAGE, bServer.verify(signWith(exclusive, rsaSha256, DigestMethod.SHA256, "#m-1", enveloped, exclusive)).message());

        assertRefused(signWith(exclusive, "http://www.w3.org/2000/09/xmldsig#rsa-sha1", DigestMethod.SHA256, "#m-1", enveloped, exclusive),
                "http://www.w3.org/2000/09/xmldsig#rsa-sha1");
        assertRefused(signWith(exclusive, rsaSha256, DigestMethod.SHA1, "#m-1", enveloped, exclusive),
                "http://www.w3.org/2000/09/xmldsig#sha1");
        assertRefused(signWith(CanonicalizationMethod.INCLUSIVE, rsaSha256, DigestMethod.SHA256, "#m-1", enveloped, exclusive),
                "canonicalization must be exclusive C14N");
        assertRefused(signWith(exclusive, rsaSha256, DigestMethod.SHA256, "", enveloped, exclusive),
                "the signature covers '', not this message");
        assertRefused(signWith(exclusive, rsaSha256, DigestMethod.SHA256, "#m-1", enveloped, Transform.XPATH),
                "transforms not allowed");
        assertRefused(signWith(exclusive, rsaSha256, DigestMethod.SHA256, "#m-1", enveloped, Transform.XSLT),
                "transforms not allowed");
        assertRefused(signWith(exclusive, rsaSha256, DigestMethod.SHA256, "#m-1", exclusive),
                "transforms not allowed");
    }

    /** Signs MESSAGE with a.test's key in the given shape (XPath and XSLT get a harmless parameter). */
    private static String signWith(String c14n, String signatureAlgorithm, String digest, String uri, String... transforms)
            throws Exception {
        MessageCodec codec = new MessageCodec();
        Element element = codec.toElement(MESSAGE, "m-1");
        XMLSignatureFactory factory = XMLSignatureFactory.getInstance("DOM");
        List<Transform> steps = new ArrayList<>();
        for (String transform : transforms) {
            TransformParameterSpec parameters = null;
            if (Transform.XPATH.equals(transform)) {
                parameters = new XPathFilterParameterSpec("true()");
            } else if (Transform.XSLT.equals(transform)) {
                Element stylesheet = codec.parse("<xsl:stylesheet xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\" version=\"1.0\">"
                        + "<xsl:template match=\"/\"><xsl:copy-of select=\".\"/></xsl:template></xsl:stylesheet>");
                parameters = new XSLTTransformParameterSpec(new DOMStructure(stylesheet));
            }
            steps.add(factory.newTransform(transform, parameters));
        }
        Reference reference = factory.newReference(uri, factory.newDigestMethod(digest, null), steps, null, null);
        SignedInfo info = factory.newSignedInfo(factory.newCanonicalizationMethod(c14n, (C14NMethodParameterSpec) null),
                factory.newSignatureMethod(signatureAlgorithm, null), List.of(reference));
        KeyInfoFactory keyInfos = factory.getKeyInfoFactory();
        KeyInfo keyInfo = keyInfos.newKeyInfo(List.of(keyInfos.newX509Data(List.of(a.certificate(), ca.certificate()))));
        DOMSignContext context = new DOMSignContext(a.keyPair().getPrivate(), element);
        context.setIdAttributeNS(element, null, MessageCodec.ID_ATTRIBUTE);
        context.setDefaultNamespacePrefix("ds");
        factory.newXMLSignature(info, keyInfo).sign(context);
        return codec.toText(element);
    }

    @Test
    public void trustingAnotherRootLetsItsServersSignaturesVerify() throws Exception {
        Pki.CertifiedKey ca = Pki.createAuthority("Local CA", Duration.ofDays(1));
        Pki.CertifiedKey local = Pki.issueServerCertificate(ca, "c.test", Duration.ofDays(1));
        Pki.CertifiedKey otherCa = Pki.createAuthority("Partner CA", Duration.ofDays(1));
        Pki.CertifiedKey partner = Pki.issueServerCertificate(otherCa, "a.test", Duration.ofDays(1));
        KeyStoreTrustedRoots cRoots = new KeyStoreTrustedRoots(Map.of(ca.certificate(), Set.of("c.test")));
        XmlMessageSigner c = signer(local, List.of(local.certificate()), cRoots);
        XmlMessageSigner partnerServer = signer(partner, List.of(partner.certificate(), otherCa.certificate()),
                new KeyStoreTrustedRoots(Map.of(otherCa.certificate(), Set.of("a.test"))));
        String signed = partnerServer.sign(MESSAGE).signedXml();
        try {
            c.verify(signed);
            fail("verified before trusting the partner's CA");
        } catch (InvalidSignatureException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("no trusted root may certify a.test"));
        }

        assertTrue(cRoots.add(otherCa.certificate(), Set.of("a.test")));
        assertEquals(Set.of("a.test"), c.verify(signed).signerDomains());
        assertEquals(false, cRoots.add(otherCa.certificate(), Set.of("a.test")));
        try {
            cRoots.add(partner.certificate(), Set.of("a.test"));
            fail("trusted a server certificate as a root");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().startsWith("not a CA certificate"));
        }
        assertEquals(2, cRoots.roots().size());
    }

    @Test
    public void aRootTrustedForOneDomainDoesNotVouchForAnother() throws Exception {
        // a.test trusts its own CA for itself and c.test's CA for c.test. c.test's CA issues a
        // certificate naming b.test and its holder signs mail as b.test: a.test must not believe it.
        Pki.CertifiedKey aCa = Pki.createAuthority("A CA", Duration.ofDays(1));
        Pki.CertifiedKey cCa = Pki.createAuthority("C CA", Duration.ofDays(1));
        Pki.CertifiedKey aKey = Pki.issueServerCertificate(aCa, "a.test", Duration.ofDays(1));
        Pki.CertifiedKey forgedB = Pki.issueServerCertificate(cCa, "b.test", Duration.ofDays(1));
        Pki.CertifiedKey realC = Pki.issueServerCertificate(cCa, "c.test", Duration.ofDays(1));
        XmlMessageSigner aTest = signer(aKey, List.of(aKey.certificate()),
                new KeyStoreTrustedRoots(Map.of(aCa.certificate(), Set.of("a.test"), cCa.certificate(), Set.of("c.test"))));
        MailMessage asB = MESSAGE.toBuilder().sender(Address.parse("mallory@b.test")).build();
        String forged = signer(forgedB, List.of(forgedB.certificate()), new KeyStoreTrustedRoots(Map.of())).sign(asB).signedXml();
        try {
            aTest.verify(forged);
            fail("a root trusted for c.test vouched for b.test");
        } catch (InvalidSignatureException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("no trusted root may certify b.test"));
        }
        MailMessage asC = MESSAGE.toBuilder().sender(Address.parse("carol@c.test")).build();
        String genuine = signer(realC, List.of(realC.certificate()), new KeyStoreTrustedRoots(Map.of())).sign(asC).signedXml();
        assertEquals(Set.of("c.test"), aTest.verify(genuine).signerDomains());
    }

    @Test
    public void anAuthoritysNameConstraintsHoldWhateverItIsTrustedFor() throws Exception {
        Pki.CertifiedKey cCa = Pki.createAuthority("C CA", Duration.ofDays(1), "c.test");
        Pki.CertifiedKey outside = Pki.issueServerCertificate(cCa, "b.test", Duration.ofDays(1));
        KeyStoreTrustedRoots roots = new KeyStoreTrustedRoots(Map.of(cCa.certificate(), Set.of("c.test")));
        assertEquals(Set.of("c.test"), Pki.permittedDomains(cCa.certificate()));
        try {
            roots.add(cCa.certificate(), Set.of("b.test"));
            fail("bound a constrained CA to a domain outside its constraints");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("permit only [c.test]"));
        }
        // Even a binding that says b.test cannot widen the constraints the CA carries.
        KeyStoreTrustedRoots careless = new KeyStoreTrustedRoots(Map.of(cCa.certificate(), Set.of("b.test", "c.test")));
        try {
            careless.check(List.of(outside.certificate()), "b.test");
            fail("a certificate outside its authority's name constraints passed");
        } catch (java.security.cert.CertificateException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains(
                    "b.test lies outside the name constraints of O=WSEmail,CN=C CA ([c.test])"));
        }
    }

    @Test
    public void unsignedMalformedAndHostileXmlIsRefused() {
        String signed = aServer.sign(MESSAGE).signedXml();
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
