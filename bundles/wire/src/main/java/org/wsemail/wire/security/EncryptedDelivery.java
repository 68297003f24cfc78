package org.wsemail.wire.security;

import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.net.ssl.X509KeyManager;

import org.apache.cxf.ws.security.wss4j.WSS4JInInterceptor;
import org.apache.cxf.ws.security.wss4j.WSS4JOutInterceptor;
import org.apache.wss4j.common.ConfigurationConstants;
import org.apache.wss4j.dom.WSConstants;
import org.apache.wss4j.dom.engine.WSSecurityEngineResult;
import org.apache.wss4j.dom.handler.WSHandlerConstants;
import org.apache.wss4j.dom.handler.WSHandlerResult;

/**
 * Encrypted delivery (the seed system's flag, done with WS-Security encryption): the delivering
 * server encrypts the body of its Deliver request to the receiving server's certificate with
 * AES-256-GCM, the key wrapped with RSA-OAEP (SHA-256, MGF1-SHA-256); the receiving server
 * decrypts with its key and accepts nothing weaker (RSA 1.5 is refused, as WSS4J refuses it by default).
 */
public final class EncryptedDelivery {
    private static final String CRYPTO = "wsemail.deliveryCrypto";

    private EncryptedDelivery() {
    }

    /** Encrypts each request's body to {@code receiver}. */
    public static WSS4JOutInterceptor encryptingTo(X509Certificate receiver) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConfigurationConstants.ACTION, ConfigurationConstants.ENCRYPTION);
        props.put(ConfigurationConstants.ENCRYPTION_USER, "receiver");
        props.put(ConfigurationConstants.ENC_PROP_REF_ID, CRYPTO);
        props.put(CRYPTO, WsCryptos.withCertificate("receiver", receiver));
        props.put(ConfigurationConstants.ENC_KEY_ID, "DirectReference");
        props.put(ConfigurationConstants.ENC_SYM_ALGO, WSConstants.AES_256_GCM);
        props.put(ConfigurationConstants.ENC_KEY_TRANSPORT, WSConstants.KEYTRANSPORT_RSAOAEP_XENC11);
        props.put(ConfigurationConstants.ENC_DIGEST_ALGO, WSConstants.SHA256);
        props.put(ConfigurationConstants.ENC_MGF_ALGO, WSConstants.MGF_SHA256);
        props.put(ConfigurationConstants.ENCRYPTION_PARTS, "{Content}{http://schemas.xmlsoap.org/soap/envelope/}Body");
        return new WSS4JOutInterceptor(props);
    }

    /**
     * Decrypts requests encrypted to this server, and lets unencrypted ones through unchanged
     * (whether a message had to be encrypted is its sender's flag: see {@link #wasEncrypted}).
     */
    public static WSS4JInInterceptor decryptingWith(X509KeyManager keys) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConfigurationConstants.ACTION, ConfigurationConstants.ENCRYPTION);
        props.put(ConfigurationConstants.DEC_PROP_REF_ID, CRYPTO);
        props.put(CRYPTO, WsCryptos.withServerKey(keys));
        props.put(ConfigurationConstants.ENC_SYM_ALGO, WSConstants.AES_256_GCM);
        props.put(ConfigurationConstants.ENC_KEY_TRANSPORT, WSConstants.KEYTRANSPORT_RSAOAEP_XENC11);
        props.put(ConfigurationConstants.PW_CALLBACK_REF, WsCryptos.passwordCallback(WsCryptos.keyPassword().toCharArray()));
        WSS4JInInterceptor interceptor = new WSS4JInInterceptor(props);
        interceptor.setIgnoreActions(true);
        return interceptor;
    }

    /** Whether WS-Security decrypted something in this request. */
    public static boolean wasEncrypted(org.apache.cxf.message.Message message) {
        if (message == null || !(message.get(WSHandlerConstants.RECV_RESULTS) instanceof List<?> results)) {
            return false;
        }
        for (Object handlerResult : results) {
            for (WSSecurityEngineResult result : ((WSHandlerResult) handlerResult).getResults()) {
                if (Integer.valueOf(WSConstants.ENCR).equals(result.get(WSSecurityEngineResult.TAG_ACTION))) {
                    return true;
                }
            }
        }
        return false;
    }
}
