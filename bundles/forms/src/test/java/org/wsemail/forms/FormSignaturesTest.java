package org.wsemail.forms;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.TrustAnchor;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.Test;
import org.wsemail.forms.Form.Decision;
import org.wsemail.security.Pki;

public class FormSignaturesTest {
    private static final Pki.CertifiedKey A_CA = Pki.createAuthority("WSEmail CA for a.test", Duration.ofDays(1), "a.test");
    private static final Pki.CertifiedKey B_CA = Pki.createAuthority("WSEmail CA for b.test", Duration.ofDays(1), "b.test");
    private static final Pki.CertifiedKey ALICE = Pki.issueUserCertificate(A_CA, "alice@a.test", Duration.ofDays(1));
    private static final Pki.CertifiedKey ANN = Pki.issueUserCertificate(A_CA, "ann@a.test", Duration.ofDays(1));
    private static final Pki.CertifiedKey BOB = Pki.issueUserCertificate(B_CA, "bob@b.test", Duration.ofDays(1));
    private static final Pki.CertifiedKey DAVE = Pki.issueUserCertificate(B_CA, "dave@b.test", Duration.ofDays(1));
    private static final Set<TrustAnchor> ROOTS = Set.of(new TrustAnchor(A_CA.certificate(), null), new TrustAnchor(B_CA.certificate(), null));
    private static final PluginCoordinates PLUGIN = new PluginCoordinates("org.wsemail.forms.requisition", "1.0.0",
            URI.create("https://mail.a.test/client-plugins/org.wsemail.forms.requisition/1.0.0.jar"), "ab".repeat(32), "a.test");

    private final FormSignatures signatures = new FormSignatures();
    private final FormVerifier verifier = new FormVerifier();
    private final Instant now = Instant.now();

    private static Form requisition() {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("vendor", "ACME");
        data.put("total", "12000.00");
        return Form.create("f-1", "requisition", PLUGIN, data,
                List.of(Form.Step.to("ann@a.test"), Form.Step.to("bob@b.test"), Form.Step.program("filing@a.test")));
    }

    private void sign(Form form, Decision decision, Pki.CertifiedKey who) {
        signatures.signoff(form, decision, "", "", who.keyPair().getPrivate(), List.of(who.certificate()), now);
        if (decision != Decision.SUBMITTED) {
            form.advance();
        }
    }

    /** The form as it travels: written out and read back by the next client. */
    private static Form travelled(Form form) {
        return Form.parse(form.toBytes());
    }

    @Test
    public void aFormSignedByEachApproverAcrossTwoDomainsVerifies() {
        Form form = requisition();
        sign(form, Decision.SUBMITTED, ALICE);
        form = travelled(form);
        sign(form, Decision.APPROVED, ANN);
        form = travelled(form);
        sign(form, Decision.APPROVED, BOB);
        form = travelled(form);

        FormVerifier.Verification verification = verifier.verify(form, ROOTS, now);
        assertTrue(verification.report(), verification.verified());
        assertEquals(3, verification.findings().size());
        assertTrue(verification.report(), verification.report().contains("step 2 approved"));
        assertEquals("program filing@a.test", form.currentStep().orElseThrow().describe());
    }

    @Test
    public void aKeyOfAnotherKindIsRefusedAndTheFormIsLeftAsItWas() throws Exception {
        Form form = requisition();
        byte[] before = form.toBytes();
        PrivateKey ed25519 = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate();
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> signatures.signoff(form,
                Decision.SUBMITTED, "", "", ed25519, List.of(ALICE.certificate()), now));
        assertEquals("forms are signed with RSA or ECDSA keys; this key is EdDSA, and nothing was signed", refused.getMessage());
        assertArrayEquals(before, form.toBytes());
        assertThrows(IllegalArgumentException.class,
                () -> signatures.delegation("dave@b.test", now.plusSeconds(60), ed25519, List.of(ALICE.certificate())));
    }

    @Test
    public void dataChangedAfterASignOffIsFound() {
        Form form = requisition();
        sign(form, Decision.SUBMITTED, ALICE);
        sign(form, Decision.APPROVED, ANN);
        String xml = new String(form.toBytes(), StandardCharsets.UTF_8).replace("12000.00", "1200.00");
        FormVerifier.Verification verification = verifier.verify(Form.parse(xml.getBytes(StandardCharsets.UTF_8)), ROOTS, now);
        assertFalse(verification.verified());
        assertTrue(verification.report(), verification.findings().get(0).problem().contains("data was changed after this sign-off"));
        assertTrue(verification.report(), verification.findings().get(1).problem().contains("data was changed"));
    }

    @Test
    public void anEarlierSignOffRewrittenIsFound() {
        Form form = requisition();
        sign(form, Decision.SUBMITTED, ALICE);
        signatures.signoff(form, Decision.APPROVED, "within budget", "", ANN.keyPair().getPrivate(), List.of(ANN.certificate()), now);
        form.advance();
        sign(form, Decision.APPROVED, BOB);
        String xml = new String(form.toBytes(), StandardCharsets.UTF_8).replace("within budget", "over budget");
        FormVerifier.Verification verification = verifier.verify(Form.parse(xml.getBytes(StandardCharsets.UTF_8)), ROOTS, now);
        assertFalse(verification.verified());
        assertTrue(verification.report(), verification.findings().get(2).problem().contains("sign-off 1 was changed after this sign-off"));
    }

    @Test
    public void someoneOtherThanTheStepsAddresseeIsNotEntitled() {
        Form form = requisition();
        sign(form, Decision.SUBMITTED, ALICE);
        sign(form, Decision.APPROVED, BOB);
        FormVerifier.Verification verification = verifier.verify(form, ROOTS, now);
        assertFalse(verification.verified());
        assertTrue(verification.report(), verification.findings().get(1).problem().contains("bob@b.test may not sign step 1"));
    }

    @Test
    public void aDelegateSignsAfterASignedDelegationOnTheStep() {
        Form form = requisition();
        sign(form, Decision.SUBMITTED, ALICE);
        sign(form, Decision.APPROVED, ANN);
        signatures.signoff(form, Decision.DELEGATED, "on leave", "dave@b.test", BOB.keyPair().getPrivate(), List.of(BOB.certificate()), now);
        sign(travelled(form), Decision.APPROVED, DAVE);
        Form travelled = travelled(form);
        sign(travelled, Decision.APPROVED, DAVE);
        FormVerifier.Verification verification = verifier.verify(travelled, ROOTS, now);
        assertTrue(verification.report(), verification.verified());
        assertTrue(verification.report(), verification.findings().get(3).capacity().startsWith("delegate named"));
    }

    @Test
    public void aStandingDelegationCountsOnlyWhenItsGiverSignedIt() {
        Form form = requisition();
        sign(form, Decision.SUBMITTED, ALICE);
        sign(form, Decision.APPROVED, ANN);
        form.addDelegation(signatures.delegation("dave@b.test", now.plus(Duration.ofDays(3)), BOB.keyPair().getPrivate(),
                List.of(BOB.certificate())));
        Form travelled = travelled(form);
        sign(travelled, Decision.APPROVED, DAVE);
        FormVerifier.Verification verification = verifier.verify(travelled(travelled), ROOTS, now);
        assertTrue(verification.report(), verification.verified());
        assertTrue(verification.report(), verification.findings().get(2).capacity().startsWith("delegate of bob@b.test"));

        Form forged = requisition();
        sign(forged, Decision.SUBMITTED, ALICE);
        sign(forged, Decision.APPROVED, ANN);
        String delegation = new String(signatures.delegation("dave@b.test", now.plus(Duration.ofDays(3)), DAVE.keyPair().getPrivate(),
                List.of(DAVE.certificate())), StandardCharsets.UTF_8).replace("from=\"dave@b.test\"", "from=\"bob@b.test\"");
        forged.addDelegation(delegation.getBytes(StandardCharsets.UTF_8));
        sign(forged, Decision.APPROVED, DAVE);
        FormVerifier.Verification refused = verifier.verify(travelled(forged), ROOTS, now);
        assertFalse(refused.report(), refused.verified());
    }

    @Test
    public void aDomainsAuthorityCannotVouchForAnotherDomainsUser() {
        Pki.CertifiedKey forgedBob = Pki.issueUserCertificate(A_CA, "bob@b.test", Duration.ofDays(1));
        Form form = requisition();
        sign(form, Decision.SUBMITTED, ALICE);
        sign(form, Decision.APPROVED, ANN);
        sign(form, Decision.APPROVED, forgedBob);
        FormVerifier.Verification verification = verifier.verify(travelled(form), ROOTS, now);
        assertFalse(verification.verified());
        assertTrue(verification.report(), verification.findings().get(2).problem().contains("not trusted"));
    }

    @Test
    public void anUntrustedRootIsRefused() {
        Form form = requisition();
        sign(form, Decision.SUBMITTED, ALICE);
        FormVerifier.Verification verification = verifier.verify(travelled(form), Set.of(new TrustAnchor(B_CA.certificate(), null)), now);
        assertFalse(verification.verified());
        assertTrue(verification.report(), verification.findings().get(0).problem().contains("not trusted"));
    }
}
