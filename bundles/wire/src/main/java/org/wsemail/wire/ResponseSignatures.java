package org.wsemail.wire;

import java.security.KeyStore;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import javax.net.ssl.X509KeyManager;
import javax.xml.namespace.QName;

import org.apache.cxf.ws.security.wss4j.WSS4JInInterceptor;
import org.apache.cxf.ws.security.wss4j.WSS4JOutInterceptor;
import org.apache.wss4j.common.ConfigurationConstants;
import org.apache.wss4j.common.crypto.Merlin;
import org.apache.wss4j.common.ext.WSSecurityException;
import org.apache.wss4j.dom.WSConstants;
import org.apache.wss4j.dom.handler.RequestData;
import org.apache.wss4j.dom.validate.Credential;
import org.apache.wss4j.dom.validate.SignatureTrustValidator;

/**
 * Tier 2 on answers: a server signs every response (body and timestamp, with its own key and
 * certificate), and the caller accepts a response only if that signature verifies, its certificate
 * leads to a trusted root and names the domain the caller meant to reach. RSA-SHA256 over exclusive
 * C14N, as everywhere else.
 */
public final class ResponseSignatures {
    private static final String CRYPTO = "wsemail.responseCrypto";

    private ResponseSignatures() {
    }

    /** Signs each response with the key a server presents in TLS (its mail domain's certificate). */
    public static WSS4JOutInterceptor signer(X509KeyManager keys) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConfigurationConstants.ACTION, ConfigurationConstants.TIMESTAMP + " " + ConfigurationConstants.SIGNATURE);
        props.put(ConfigurationConstants.USER, "server");
        props.put(ConfigurationConstants.SIG_PROP_REF_ID, CRYPTO);
        props.put(CRYPTO, WsCryptos.withServerKey(keys));
        props.put(ConfigurationConstants.SIG_KEY_ID, "DirectReference");
        props.put(ConfigurationConstants.SIGNATURE_PARTS, WsCryptos.TIMESTAMP_AND_BODY);
        WsCryptos.signatureSuite(props);
        props.put(ConfigurationConstants.PW_CALLBACK_REF, WsCryptos.passwordCallback(WsCryptos.keyPassword().toCharArray()));
        return new WSS4JOutInterceptor(props);
    }

    /**
     * Checks each response's signature: it leads to one of {@code trusted} (or to the system's roots
     * if none are given) and its certificate names {@code domain}.
     */
    public static WSS4JInInterceptor verifier(String domain, Set<TrustAnchor> trusted) {
        Merlin crypto = new Merlin();
        crypto.setTrustStore(trusted.isEmpty() ? systemRoots()
                : WsCryptos.trustStore(trusted.stream().map(TrustAnchor::getTrustedCert).toList()));
        Map<String, Object> props = new HashMap<>();
        props.put(ConfigurationConstants.ACTION, ConfigurationConstants.TIMESTAMP + " " + ConfigurationConstants.SIGNATURE);
        props.put(ConfigurationConstants.SIG_VER_PROP_REF_ID, CRYPTO);
        props.put(CRYPTO, crypto);
        WsCryptos.signatureSuite(props);
        Map<QName, Object> validators = new HashMap<>();
        validators.put(WSConstants.SIGNATURE, new NamingDomain(domain));
        props.put(ConfigurationConstants.VALIDATOR_MAP, validators);
        return new WSS4JInInterceptor(props);
    }

    /** The JDK's own trusted roots ({@code cacerts}), for a caller who named none. */
    private static KeyStore systemRoots() {
        try (var in = java.nio.file.Files.newInputStream(
                java.nio.file.Path.of(System.getProperty("java.home"), "lib", "security", "cacerts"))) {
            KeyStore roots = KeyStore.getInstance("PKCS12");
            roots.load(in, null);
            return roots;
        } catch (java.io.IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the system's trusted roots", e);
        }
    }

    /** Trust as WSS4J checks it, and besides: the signer's certificate names the expected domain. */
    private static final class NamingDomain extends SignatureTrustValidator {
        private final String domain;

        NamingDomain(String domain) {
            this.domain = domain.toLowerCase(java.util.Locale.ROOT);
        }

        @Override
        public Credential validate(Credential credential, RequestData data) throws WSSecurityException {
            Credential trusted = super.validate(credential, data);
            X509Certificate[] chain = credential.getCertificates();
            if (chain == null || chain.length == 0 || !DomainTls.dnsNames(chain[0]).contains(domain)) {
                throw new WSSecurityException(WSSecurityException.ErrorCode.FAILED_AUTHENTICATION);
            }
            return trusted;
        }
    }
}
