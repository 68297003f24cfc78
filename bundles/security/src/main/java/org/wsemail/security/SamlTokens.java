package org.wsemail.security;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.apache.wss4j.common.ext.WSSecurityException;
import org.apache.wss4j.common.saml.SAMLCallback;
import org.apache.wss4j.common.saml.SamlAssertionWrapper;
import org.apache.wss4j.common.saml.bean.AudienceRestrictionBean;
import org.apache.wss4j.common.saml.bean.AuthenticationStatementBean;
import org.apache.wss4j.common.saml.bean.ConditionsBean;
import org.apache.wss4j.common.saml.bean.KeyInfoBean;
import org.apache.wss4j.common.saml.bean.SubjectBean;
import org.apache.wss4j.common.saml.bean.Version;
import org.apache.wss4j.common.saml.builder.SAML2Constants;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.wsemail.wire.security.WsCryptos;

/**
 * Federated identity tokens as WSEmail uses them: SAML 2.0 assertions, built and signed with WSS4J's
 * SAML support. The issuer is the user's mail domain; the subject is the user's address; the
 * subject confirmation is holder-of-key with the user's certificate; the audience is the domain the
 * token is for; the lifetime is short. Stateless and thread-safe.
 */
public final class SamlTokens {
    /** How the subject's name is written: a mail address. */
    public static final String EMAIL_FORMAT = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";

    private SamlTokens() {
    }

    /**
     * Issues a signed token.
     *
     * @param issuer the issuing server's key and certificate chain (leaf first); its certificate names {@code issuerDomain}
     * @param subject the user's address
     * @param holderCertificate the user's certificate, whose key must sign every request that uses the token
     * @param notBefore when the token starts to be valid (usually now)
     */
    public static Element issue(Pki.CertifiedKey issuer, List<X509Certificate> issuerChain, String issuerDomain, String subject,
            X509Certificate holderCertificate, String audienceDomain, Instant notBefore, Duration lifetime) {
        SAMLCallback callback = new SAMLCallback();
        callback.setSamlVersion(Version.SAML_20);
        callback.setIssuer(issuerDomain);
        SubjectBean subjectBean = new SubjectBean(subject, null, SAML2Constants.CONF_HOLDER_KEY);
        subjectBean.setSubjectNameIDFormat(EMAIL_FORMAT);
        KeyInfoBean keyInfo = new KeyInfoBean();
        keyInfo.setCertificate(holderCertificate);
        keyInfo.setCertIdentifer(KeyInfoBean.CERT_IDENTIFIER.X509_CERT);
        subjectBean.setKeyInfo(keyInfo);
        callback.setSubject(subjectBean);
        ConditionsBean conditions = new ConditionsBean();
        conditions.setNotBefore(notBefore);
        conditions.setNotAfter(notBefore.plus(lifetime));
        AudienceRestrictionBean audience = new AudienceRestrictionBean();
        audience.setAudienceURIs(List.of(audienceDomain));
        conditions.setAudienceRestrictions(List.of(audience));
        callback.setConditions(conditions);
        AuthenticationStatementBean authentication = new AuthenticationStatementBean();
        authentication.setAuthenticationMethod(SAML2Constants.AUTH_CONTEXT_CLASS_REF_X509);
        authentication.setAuthenticationInstant(new org.joda.time.DateTime(notBefore.toEpochMilli()));
        callback.setAuthenticationStatementData(List.of(authentication));
        try {
            SamlAssertionWrapper assertion = new SamlAssertionWrapper(callback);
            assertion.signAssertion("issuer", WsCryptos.keyPassword(),
                    WsCryptos.withKey("issuer", issuer.keyPair().getPrivate(), issuerChain.toArray(new X509Certificate[0])), false,
                    "http://www.w3.org/2001/10/xml-exc-c14n#", "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
                    "http://www.w3.org/2001/04/xmlenc#sha256");
            Document document = newDocument();
            Element element = assertion.toDOM(document);
            document.appendChild(element);
            return element;
        } catch (WSSecurityException e) {
            throw new IllegalStateException("cannot issue a token for " + subject + ": " + e.getMessage(), e);
        }
    }

    private static Document newDocument() {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            return factory.newDocumentBuilder().newDocument();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }
}
