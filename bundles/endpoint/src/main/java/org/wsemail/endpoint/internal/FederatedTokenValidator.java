package org.wsemail.endpoint.internal;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.apache.cxf.message.Message;
import org.apache.wss4j.common.ext.WSSecurityException;
import org.apache.wss4j.common.saml.SAMLKeyInfo;
import org.apache.wss4j.common.saml.SamlAssertionWrapper;
import org.apache.wss4j.common.saml.builder.SAML2Constants;
import org.apache.wss4j.dom.handler.RequestData;
import org.apache.wss4j.dom.validate.Credential;
import org.apache.wss4j.dom.validate.SamlAssertionValidator;
import org.opensaml.saml.saml2.core.Assertion;
import org.opensaml.saml.saml2.core.Conditions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsemail.api.Address;
import org.wsemail.api.server.MailDomain;
import org.wsemail.api.server.TrustedRoots;
import org.wsemail.wire.security.DomainTls;
import org.wsemail.wire.security.WsCryptos;

/**
 * Accepts a federated identity token from a visitor only if WSS4J finds it a well-formed, signed,
 * current SAML 2.0 assertion whose signature leads to a root this server trusts, and besides:
 * its issuer is the visitor's own mail domain, the certificate that signed it names that domain,
 * it is holder-of-key with a certificate, it is meant for this domain, and it lives no longer than
 * {@link #MAX_LIFETIME}. (The seed system took any token from any issuer.) The visitor is left on the
 * CXF message; {@link HolderOfKeyCheck} then makes sure the request was signed with the token's key.
 * Every refusal is the same fault to the caller; the log says why.
 */
final class FederatedTokenValidator extends SamlAssertionValidator {
    static final Duration MAX_LIFETIME = Duration.ofHours(1);
    /** Where the key the token is bound to is kept on the CXF message. */
    static final String HOLDER_CERTIFICATE = "org.wsemail.federated.holder";

    private static final Logger LOG = LoggerFactory.getLogger(FederatedTokenValidator.class);

    private final MailDomain domain;
    private final TrustedRoots roots;

    FederatedTokenValidator(MailDomain domain, TrustedRoots roots) {
        this.domain = domain;
        this.roots = roots;
        setRequiredSubjectConfirmationMethod(SAML2Constants.CONF_HOLDER_KEY);
    }

    @Override
    public Credential validate(Credential credential, RequestData data) throws WSSecurityException {
        // Only the roots bound to the domain the token names as its issuer may vouch for its signer,
        // as they are now, so that a root added with trust-add counts at once.
        String claimedIssuer = credential.getSamlAssertion() == null ? null : credential.getSamlAssertion().getIssuerString();
        data.setSigVerCrypto(WsCryptos.trusting(claimedIssuer == null ? List.of() : roots.rootsFor(claimedIssuer)));
        data.setAudienceRestrictions(List.of(domain.name()));
        Credential validated;
        try {
            validated = super.validate(credential, data);
        } catch (WSSecurityException e) {
            LOG.warn("Refused a federated identity token claiming issuer {}: {} (only roots trusted for that domain may vouch"
                    + " for its signer)", LogSafe.text(claimedIssuer), LogSafe.text(e.getMessage()));
            throw e;
        }
        SamlAssertionWrapper token = validated.getSamlAssertion();
        try {
            Address visitor = check(token);
            if (data.getMsgContext() instanceof Message message) {
                message.put(RequestContext.AUTHENTICATED_USER, visitor);
                message.put(HOLDER_CERTIFICATE, token.getSubjectKeyInfo().getCerts()[0]);
            }
            LOG.info("Accepted a token for visitor {} issued by {}", visitor, LogSafe.text(token.getIssuerString()));
            return validated;
        } catch (IllegalArgumentException e) {
            LOG.warn("Refused a federated identity token: {}", LogSafe.text(e.getMessage()));
            throw new WSSecurityException(WSSecurityException.ErrorCode.FAILED_AUTHENTICATION);
        }
    }

    private Address check(SamlAssertionWrapper token) {
        Assertion assertion = token.getSaml2();
        if (assertion == null || !token.isSigned()) {
            throw new IllegalArgumentException("not a signed SAML 2.0 assertion");
        }
        Address visitor;
        try {
            visitor = Address.parse(assertion.getSubject().getNameID().getValue());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the subject is not a mail address");
        }
        if (domain.isLocal(visitor)) {
            throw new IllegalArgumentException(visitor + " is a user of this domain and logs in here directly, not with a token");
        }
        String issuer = token.getIssuerString();
        if (!visitor.domain().equalsIgnoreCase(issuer)) {
            throw new IllegalArgumentException("the token for " + visitor + " was issued by '" + issuer
                    + "'; only " + visitor.domain() + " may vouch for its users");
        }
        SAMLKeyInfo signer = token.getSignatureKeyInfo();
        X509Certificate[] signerChain = signer == null ? null : signer.getCerts();
        if (signerChain == null || signerChain.length == 0 || !DomainTls.dnsNames(signerChain[0]).contains(visitor.domain())) {
            throw new IllegalArgumentException("the token names issuer " + issuer + " but was signed by a certificate that names "
                    + (signerChain == null || signerChain.length == 0 ? "no domain" : DomainTls.dnsNames(signerChain[0])));
        }
        try {
            roots.check(List.of(signerChain), issuer);
        } catch (java.security.cert.CertificateException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        SAMLKeyInfo holder = token.getSubjectKeyInfo();
        if (holder == null || holder.getCerts() == null || holder.getCerts().length == 0) {
            throw new IllegalArgumentException("the token is not bound to a certificate");
        }
        Conditions conditions = assertion.getConditions();
        if (conditions == null || conditions.getNotBefore() == null || conditions.getNotOnOrAfter() == null) {
            throw new IllegalArgumentException("the token has no validity period");
        }
        boolean forThisDomain = conditions.getAudienceRestrictions().stream().flatMap(r -> r.getAudiences().stream())
                .anyMatch(audience -> domain.name().equalsIgnoreCase(audience.getAudienceURI()));
        if (!forThisDomain) {
            throw new IllegalArgumentException("the token names no audience, or not " + domain.name());
        }
        Duration lifetime = Duration.ofMillis(conditions.getNotOnOrAfter().getMillis() - conditions.getNotBefore().getMillis());
        if (lifetime.compareTo(MAX_LIFETIME) > 0) {
            throw new IllegalArgumentException("the token is valid for " + lifetime + ", longer than the " + MAX_LIFETIME + " accepted");
        }
        if (Instant.ofEpochMilli(conditions.getNotOnOrAfter().getMillis()).isBefore(Instant.now())) {
            throw new IllegalArgumentException("the token expired at " + Instant.ofEpochMilli(conditions.getNotOnOrAfter().getMillis()));
        }
        return visitor;
    }
}
