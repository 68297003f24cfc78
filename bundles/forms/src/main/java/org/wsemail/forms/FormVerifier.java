package org.wsemail.forms;

import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.PublicKey;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import javax.xml.crypto.AlgorithmMethod;
import javax.xml.crypto.KeySelector;
import javax.xml.crypto.KeySelectorException;
import javax.xml.crypto.KeySelectorResult;
import javax.xml.crypto.MarshalException;
import javax.xml.crypto.XMLCryptoContext;
import javax.xml.crypto.dsig.CanonicalizationMethod;
import javax.xml.crypto.dsig.DigestMethod;
import javax.xml.crypto.dsig.Reference;
import javax.xml.crypto.dsig.SignedInfo;
import javax.xml.crypto.dsig.Transform;
import javax.xml.crypto.dsig.XMLSignature;
import javax.xml.crypto.dsig.XMLSignatureException;
import javax.xml.crypto.dsig.XMLSignatureFactory;
import javax.xml.crypto.dsig.dom.DOMValidateContext;
import javax.xml.crypto.dsig.keyinfo.KeyInfo;
import javax.xml.crypto.dsig.keyinfo.X509Data;

import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The paper's third-party verifier: checks a form offline, with nothing but the form and the root
 * certificates the verifier trusts. For every sign-off: its signature holds over the plug-in
 * coordinates, the data and all sign-offs before it (so nothing was changed after it); the signer's
 * certificate leads to a trusted root (whose X.509 name constraints bind it to its domains) and
 * names the signer; and the signer was entitled to sign that step: the step's addressee, or someone
 * they delegated to by a signed delegation. Revocation is not checked offline: a verifier who needs
 * it asks the issuing domain's revocation list. Thread-safe.
 */
public final class FormVerifier {
    private static final Set<String> SIGNATURE_ALGORITHMS = Set.of(FormSignatures.RSA_SHA256, FormSignatures.ECDSA_SHA256);
    private static final List<String> TRANSFORMS = List.of(Transform.ENVELOPED, CanonicalizationMethod.EXCLUSIVE);
    private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
    private static final String NAME_CONSTRAINTS = "2.5.29.30";

    private final XMLSignatureFactory factory = XMLSignatureFactory.getInstance("DOM");

    /**
     * Decides whether a signer's certificate chain is trusted for their address: offline against
     * roots ({@link #trusting}), or by a server against its trusted roots with their domain bindings
     * and revocation lists.
     */
    @FunctionalInterface
    public interface CertificateCheck {

        /**
         * @param chain the chain the signature carried, the signer's first
         * @param address the address the signer's certificate names
         * @param at when the signature says it was made
         * @return who vouches for the signer, for people (e.g. the root's subject)
         * @throws GeneralSecurityException saying why the chain is not trusted for the address
         */
        String check(List<X509Certificate> chain, String address, Instant at) throws GeneralSecurityException;
    }

    /**
     * Trust in these roots: PKIX as of the time a signature states, no revocation check (offline),
     * and each root's X.509 name constraints bind it to its domains.
     */
    public static CertificateCheck trusting(Set<TrustAnchor> roots) {
        Set<TrustAnchor> anchors = Set.copyOf(roots);
        return (chain, address, at) -> {
            if (anchors.isEmpty()) {
                throw new GeneralSecurityException("no root certificate is trusted (give the roots of the signers' domains)");
            }
            PKIXParameters parameters = new PKIXParameters(anchors);
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(at));
            TrustAnchor anchor = ((java.security.cert.PKIXCertPathValidatorResult) CertPathValidator.getInstance("PKIX")
                    .validate(CertificateFactory.getInstance("X.509").generateCertPath(chain), parameters)).getTrustAnchor();
            X509Certificate root = anchor.getTrustedCert();
            withinNameConstraints(root, address);
            return root.getSubjectX500Principal().getName();
        };
    }

    /**
     * What the verifier found about one sign-off.
     *
     * @param signoff the sign-off as the form states it
     * @param problem what is wrong with it, or null when it holds
     * @param issuer the subject of the root its certificate leads to, when it does
     * @param capacity in what right the signer signed, e.g. "addressee" or "delegate of bob@b.test"
     */
    public record Finding(Form.Signoff signoff, String problem, String issuer, String capacity) {

        public boolean holds() {
            return problem == null;
        }

        /** One line for people. */
        public String describe() {
            String what = signoff.decision() == Form.Decision.SUBMITTED ? "submitted"
                    : "step " + signoff.step() + " " + signoff.decision().name().toLowerCase(Locale.ROOT);
            String line = String.format("%-22s %-18s %s", what, signoff.by(), signoff.at());
            return holds() ? line + "  good (" + capacity + "; certificate from " + issuer + ")" : line + "  BAD: " + problem;
        }
    }

    /**
     * The verdict.
     *
     * @param findings one per sign-off, in order
     * @param problems what is wrong with the form as a whole (duplicate Ids, bad delegations)
     */
    public record Verification(Form form, List<Finding> findings, List<String> problems) {

        /** True if every sign-off and the form as a whole hold. */
        public boolean verified() {
            return problems.isEmpty() && !findings.isEmpty() && findings.stream().allMatch(Finding::holds);
        }

        /** The report the command line prints. */
        public String report() {
            StringBuilder text = new StringBuilder("Form ").append(form.summary()).append('\n');
            findings.forEach(f -> text.append("  ").append(f.describe()).append('\n'));
            problems.forEach(p -> text.append("  BAD: ").append(p).append('\n'));
            text.append(verified()
                    ? "VERIFIED: every signature holds, each signer's certificate is trusted for their address, every signer"
                            + " was entitled to their step, and nothing signed changed after any sign-off."
                    : "NOT VERIFIED: see BAD above.");
            return text.toString();
        }
    }

    /** Verifies the form offline against these roots ({@link #trusting}). */
    public Verification verify(Form form, Set<TrustAnchor> roots, Instant now) {
        return verify(form, trusting(roots), now);
    }

    /** Verifies the form; no sign-off may be dated more than a few minutes after {@code now}. */
    public Verification verify(Form form, CertificateCheck anchors, Instant now) {
        List<String> problems = new ArrayList<>();
        duplicateIds(form, problems);
        Map<String, Set<String>> standing = standingDelegations(form, anchors, now, problems);
        List<Form.Signoff> signoffs;
        try {
            signoffs = form.signoffs();
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
            return new Verification(form, List.of(), List.copyOf(problems));
        }
        if (signoffs.isEmpty()) {
            problems.add("the form carries no sign-off: it was never submitted");
        }
        List<Element> elements = form.signoffElements();
        List<Form.Step> route = form.route();
        List<Finding> findings = new ArrayList<>();
        Map<Integer, Set<String>> delegatedOnStep = new HashMap<>();
        int lastStep = 0;
        for (Form.Signoff signoff : signoffs) {
            String problem = null;
            String issuer = null;
            String capacity = null;
            try {
                List<String> covered = new ArrayList<>(List.of(Form.PLUGIN_ID, Form.DATA_ID));
                for (int i = 0; i <= signoff.index(); i++) {
                    covered.add("signoff-" + i);
                }
                Signed signed = check(elements.get(signoff.index()), covered, anchors, signoff.at(), now);
                issuer = signed.root;
                if (!signed.address.equals(signoff.by())) {
                    throw new Refusal("it says it is by " + signoff.by() + " but the certificate is " + signed.address + "'s");
                }
                if (signoff.index() == 0) {
                    if (signoff.decision() != Form.Decision.SUBMITTED || signoff.step() != 0) {
                        throw new Refusal("the first sign-off must be the submission");
                    }
                    capacity = "submitter";
                } else {
                    if (signoff.decision() == Form.Decision.SUBMITTED || signoff.step() < 1 || signoff.step() > route.size()) {
                        throw new Refusal("a sign-off for step " + signoff.step() + " of a route of " + route.size());
                    }
                    if (signoff.step() < lastStep) {
                        throw new Refusal("it signs step " + signoff.step() + " after step " + lastStep + " was signed");
                    }
                    Form.Step step = route.get(signoff.step() - 1);
                    capacity = entitled(signoff, step, delegatedOnStep.getOrDefault(signoff.step(), Set.of()), standing);
                    if (signoff.decision() == Form.Decision.DELEGATED) {
                        delegatedOnStep.computeIfAbsent(signoff.step(), s -> new HashSet<>()).add(signoff.delegate());
                    }
                }
                lastStep = Math.max(lastStep, signoff.step());
            } catch (Refusal e) {
                problem = e.getMessage();
            }
            findings.add(new Finding(signoff, problem, issuer, capacity));
        }
        return new Verification(form, List.copyOf(findings), List.copyOf(problems));
    }

    /** In what right the signer signs the step, or why they may not. */
    private static String entitled(Form.Signoff signoff, Form.Step step, Set<String> delegatedHere, Map<String, Set<String>> standing)
            throws Refusal {
        String by = signoff.by();
        String role = step.isRole() ? " (role " + step.role() + ", as the route maps it; role mappings are not signed)" : "";
        if (by.equals(step.to())) {
            return "addressee" + role;
        }
        if (delegatedHere.contains(by)) {
            return "delegate named in a signed sign-off on this step" + role;
        }
        Set<String> seen = new HashSet<>();
        List<String> givers = new ArrayList<>(List.of(step.to()));
        for (int depth = 0; depth < 5 && !givers.isEmpty(); depth++) {
            List<String> next = new ArrayList<>();
            for (String giver : givers) {
                Set<String> delegates = standing.getOrDefault(giver, Set.of());
                if (delegates.contains(by)) {
                    return "delegate of " + giver + " by a signed standing delegation" + role;
                }
                delegates.stream().filter(seen::add).forEach(next::add);
            }
            givers = next;
        }
        throw new Refusal(by + " may not sign step " + step.number() + ", which goes to " + step.describe()
                + ", and holds no signed delegation for it");
    }

    /** Who may sign for whom, from the delegations whose signatures hold and which run until after now. */
    private Map<String, Set<String>> standingDelegations(Form form, CertificateCheck anchors, Instant now, List<String> problems) {
        Map<String, Set<String>> standing = new HashMap<>();
        List<Form.Delegation> delegations;
        try {
            delegations = form.delegations();
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
            return standing;
        }
        List<Element> elements = form.delegationElements();
        for (int i = 0; i < delegations.size(); i++) {
            Form.Delegation delegation = delegations.get(i);
            try {
                Signed signed = check(elements.get(i), List.of(delegation.id()), anchors, now, now);
                if (!signed.address.equals(delegation.from())) {
                    throw new Refusal("it is signed by " + signed.address + ", not by its giver");
                }
                standing.computeIfAbsent(delegation.from(), f -> new HashSet<>()).add(delegation.to());
            } catch (Refusal e) {
                problems.add("the delegation from " + delegation.from() + " to " + delegation.to() + " does not hold: " + e.getMessage());
            }
        }
        return standing;
    }

    /**
     * Checks a standing delegation on its own, as a server does before it keeps one for a user who
     * is away: signed by its giver, whose certificate the check trusts.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public Form.Delegation verifyDelegation(byte[] signed, CertificateCheck anchors, Instant now) {
        Form holder = Form.holding(signed);
        Form.Delegation delegation = holder.delegations().get(0);
        try {
            Signed signer = check(holder.delegationElements().get(0), List.of(delegation.id()), anchors, now, now);
            if (!signer.address.equals(delegation.from())) {
                throw new Refusal("it is signed by " + signer.address + ", not by its giver " + delegation.from());
            }
        } catch (Refusal e) {
            throw new IllegalArgumentException("the delegation does not hold: " + e.getMessage(), e);
        }
        if (!delegation.until().isAfter(now)) {
            throw new IllegalArgumentException("the delegation ran out at " + delegation.until());
        }
        return delegation;
    }

    private static void duplicateIds(Form form, List<String> problems) {
        Set<String> seen = new HashSet<>();
        NodeList all = form.document().getElementsByTagNameNS("*", "*");
        for (int i = 0; i < all.getLength(); i++) {
            Element element = (Element) all.item(i);
            if (element.hasAttributeNS(null, Form.ID) && !seen.add(element.getAttributeNS(null, Form.ID))) {
                problems.add("the Id " + element.getAttributeNS(null, Form.ID) + " occurs twice: the form was tampered with");
            }
        }
    }

    private record Signed(String address, String root) {
    }

    private static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;

        Refusal(String message) {
            super(message);
        }
    }

    /** Checks the one signature in {@code parent}: its shape, that it covers exactly {@code covered}, its value, its chain. */
    private Signed check(Element parent, List<String> covered, CertificateCheck anchors, Instant at, Instant now) throws Refusal {
        Element signature = onlySignature(parent);
        ChainSelector selector = new ChainSelector();
        DOMValidateContext context = new DOMValidateContext(selector, signature);
        context.setProperty("org.jcp.xml.dsig.secureValidation", Boolean.TRUE);
        try {
            XMLSignature xml = factory.unmarshalXMLSignature(context);
            List<Reference> references = shape(xml.getSignedInfo(), covered);
            if (!xml.validate(context)) {
                for (Reference reference : references) {
                    if (!reference.validate(context)) {
                        String id = reference.getURI().substring(1);
                        throw new Refusal(switch (id) {
                            case Form.DATA_ID -> "the data was changed after this sign-off";
                            case Form.PLUGIN_ID -> "the plug-in the form names was changed after this sign-off";
                            default -> id.startsWith("signoff-") && !id.equals(parent.getAttributeNS(null, Form.ID))
                                    ? "sign-off " + id.substring("signoff-".length()) + " was changed after this sign-off"
                                    : "what it signed was changed after signing";
                        });
                    }
                }
                throw new Refusal("the signature value does not match: it was not made with this certificate's key");
            }
        } catch (MarshalException | XMLSignatureException e) {
            throw new Refusal("the signature cannot be checked: " + e.getMessage());
        }
        if (at.isAfter(now.plus(CLOCK_SKEW))) {
            throw new Refusal("it is dated in the future (" + at + ")");
        }
        if (selector.chain.isEmpty()) {
            throw new Refusal("the signature carries no certificate");
        }
        String address;
        try {
            address = FormSignatures.address(selector.chain.get(0));
        } catch (IllegalArgumentException e) {
            throw new Refusal(e.getMessage());
        }
        try {
            return new Signed(address, anchors.check(selector.chain, address, at));
        } catch (GeneralSecurityException e) {
            throw new Refusal("the signer's certificate is not trusted: " + e.getMessage());
        }
    }

    private static Element onlySignature(Element parent) throws Refusal {
        NodeList signatures = parent.getElementsByTagNameNS(XMLSignature.XMLNS, "Signature");
        Element found = null;
        for (int i = 0; i < signatures.getLength(); i++) {
            Node node = signatures.item(i);
            if (node.getParentNode() == parent) {
                if (found != null) {
                    throw new Refusal("it carries more than one signature");
                }
                found = (Element) node;
            }
        }
        if (found == null) {
            throw new Refusal("it is not signed");
        }
        return found;
    }

    @SuppressWarnings("unchecked")
    private static List<Reference> shape(SignedInfo signedInfo, List<String> covered) throws Refusal {
        if (!CanonicalizationMethod.EXCLUSIVE.equals(signedInfo.getCanonicalizationMethod().getAlgorithm())) {
            throw new Refusal("canonicalization must be exclusive C14N");
        }
        if (!SIGNATURE_ALGORITHMS.contains(signedInfo.getSignatureMethod().getAlgorithm())) {
            throw new Refusal("signature algorithm not allowed: " + signedInfo.getSignatureMethod().getAlgorithm());
        }
        List<Reference> references = signedInfo.getReferences();
        List<String> uris = references.stream().map(Reference::getURI).toList();
        List<String> expected = covered.stream().map(id -> "#" + id).toList();
        if (!expected.equals(uris)) {
            throw new Refusal("it must cover " + expected + " but covers " + uris);
        }
        for (Reference reference : references) {
            if (!DigestMethod.SHA256.equals(reference.getDigestMethod().getAlgorithm())) {
                throw new Refusal("digest algorithm not allowed: " + reference.getDigestMethod().getAlgorithm());
            }
            List<String> transforms = ((List<Transform>) reference.getTransforms()).stream().map(Transform::getAlgorithm).toList();
            if (!TRANSFORMS.equals(transforms)) {
                throw new Refusal("transforms not allowed: " + transforms);
            }
        }
        return references;
    }

    /**
     * The root's name constraints hold for the signer's address: Java's PKIX does not apply the
     * constraints of a trust anchor, so they are applied here (the rfc822Name and dNSName subtrees
     * a domain's authority carries).
     */
    private static void withinNameConstraints(X509Certificate root, String address) throws GeneralSecurityException {
        byte[] extension = root.getExtensionValue(NAME_CONSTRAINTS);
        if (extension == null) {
            return;
        }
        NameConstraints constraints = NameConstraints.getInstance(ASN1OctetString.getInstance(extension).getOctets());
        GeneralSubtree[] permitted = constraints.getPermittedSubtrees();
        if (permitted == null) {
            return;
        }
        String domain = address.substring(address.lastIndexOf('@') + 1);
        for (GeneralSubtree subtree : permitted) {
            int tag = subtree.getBase().getTagNo();
            if (tag == GeneralName.rfc822Name || tag == GeneralName.dNSName) {
                String allowed = subtree.getBase().getName().toString().toLowerCase(Locale.ROOT);
                if (domain.equals(allowed) || domain.endsWith("." + allowed) || address.equals(allowed)) {
                    return;
                }
            }
        }
        throw new java.security.cert.CertPathValidatorException(root.getSubjectX500Principal().getName()
                + " may not certify addresses of " + domain + " (its name constraints)");
    }

    /** Takes the key from the certificate chain in the KeyInfo, leaf first, and keeps the chain. */
    private static final class ChainSelector extends KeySelector {
        private List<X509Certificate> chain = List.of();

        @Override
        public KeySelectorResult select(KeyInfo keyInfo, Purpose purpose, AlgorithmMethod method, XMLCryptoContext context)
                throws KeySelectorException {
            if (keyInfo == null) {
                throw new KeySelectorException("the signature carries no KeyInfo");
            }
            List<X509Certificate> found = new ArrayList<>();
            for (Object content : keyInfo.getContent()) {
                if (content instanceof X509Data data) {
                    for (Object item : data.getContent()) {
                        if (item instanceof X509Certificate certificate) {
                            found.add(certificate);
                        }
                    }
                }
            }
            if (found.isEmpty()) {
                throw new KeySelectorException("the KeyInfo holds no certificate");
            }
            chain = List.copyOf(found);
            PublicKey key = found.get(0).getPublicKey();
            return () -> (Key) key;
        }
    }
}
