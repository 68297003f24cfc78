package org.wsemail.security.internal;

import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.w3c.dom.Element;
import org.wsemail.api.MailMessage;
import org.wsemail.api.server.MessageSigner;
import org.wsemail.api.server.SignedMail;
import org.wsemail.api.server.TrustedRoots;
import org.wsemail.wire.MessageCodec;
import org.wsemail.wire.security.BouncyCastleEd25519;
import org.wsemail.wire.security.MessageSignatures;

/**
 * Signs messages as this server (an enveloped XMLDSIG signature with its message signing key,
 * carrying its certificate chain) and verifies other servers' signatures against the roots trusted now.
 */
@Component(service = MessageSigner.class)
public class XmlMessageSigner implements MessageSigner {
    private final CredentialStores stores;
    private final TrustedRoots roots;
    private final MessageCodec codec = new MessageCodec();
    private final MessageSignatures signatures = new MessageSignatures(new BouncyCastleEd25519());

    @Activate
    public XmlMessageSigner(@Reference CredentialStores stores, @Reference TrustedRoots roots) {
        this.stores = stores;
        this.roots = roots;
    }

    @Override
    public SignedMail sign(MailMessage message) {
        Element element = codec.toElement(message, "m-" + UUID.randomUUID());
        signatures.sign(element, stores.messageKey(), stores.messageChain());
        return new SignedMail(message, codec.toText(element));
    }

    @Override
    public VerifiedMessage verify(String signedXml) throws InvalidSignatureException {
        Element element;
        try {
            element = codec.parse(signedXml);
        } catch (IllegalArgumentException e) {
            throw new InvalidSignatureException("not a well-formed signed message: " + e.getMessage(), e);
        }
        MessageSignatures.Signer signer;
        try {
            // The chain is validated in vouchedFor, against the roots bound to each domain it names.
            signer = signatures.verifyLeavingTrustToCaller(element);
        } catch (MessageSignatures.InvalidSignatureException e) {
            throw new InvalidSignatureException(e.getMessage(), e);
        }
        MailMessage message;
        try {
            message = codec.fromElement(element);
        } catch (IllegalArgumentException e) {
            throw new InvalidSignatureException("the signed content is not a valid message: " + e.getMessage(), e);
        }
        return new VerifiedMessage(new SignedMail(message, signedXml), vouchedFor(signer),
                signer.certificate().getSubjectX500Principal().getName());
    }

    /**
     * The domains the signer's certificate names and a root bound to that domain vouches for,
     * nothing in the chain revoked: a root trusted for c.test says nothing about b.test.
     */
    private Set<String> vouchedFor(MessageSignatures.Signer signer) throws InvalidSignatureException {
        Set<String> vouched = new TreeSet<>();
        List<String> refusals = new ArrayList<>();
        for (String domain : signer.dnsNames()) {
            try {
                roots.check(signer.chain(), domain);
                vouched.add(domain);
            } catch (CertificateException e) {
                refusals.add(e.getMessage());
            }
        }
        if (vouched.isEmpty()) {
            throw new InvalidSignatureException(refusals.isEmpty() ? "the signer's certificate names no mail domain"
                    : String.join("; ", refusals), null);
        }
        return vouched;
    }
}
