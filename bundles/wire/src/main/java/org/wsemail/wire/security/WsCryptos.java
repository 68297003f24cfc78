package org.wsemail.wire.security;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Map;

import javax.net.ssl.X509KeyManager;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.PasswordCallback;

import org.apache.wss4j.common.ConfigurationConstants;
import org.apache.wss4j.common.crypto.Merlin;
import org.apache.wss4j.common.ext.WSPasswordCallback;
import org.apache.wss4j.dom.WSConstants;

/**
 * WSS4J cryptos held in memory, the way every WS-Security set-up of WSEmail needs them: a key with
 * its chain (to sign or decrypt), one certificate (to encrypt to), trusted roots (to verify). The
 * in-memory stores' password is a fixed one of this class: nothing is written anywhere.
 */
public final class WsCryptos {
    /** WSS4J signature parts: the Timestamp and the SOAP Body, what every WSEmail signature covers. */
    public static final String TIMESTAMP_AND_BODY = "{Element}{" + WSConstants.WSU_NS + "}Timestamp;"
            + "{Element}{http://schemas.xmlsoap.org/soap/envelope/}Body";

    /** The password of the in-memory key entries; what {@link #keyPassword()} answers. */
    private static final char[] IN_MEMORY = "in-memory".toCharArray();

    private WsCryptos() {
    }

    /** An empty in-memory PKCS#12 store. */
    public static KeyStore emptyStore() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot create an in-memory key store", e);
        }
    }

    /** A store of these roots as trusted certificate entries. */
    public static KeyStore trustStore(Collection<X509Certificate> roots) {
        KeyStore store = emptyStore();
        int i = 0;
        try {
            for (X509Certificate root : roots) {
                store.setCertificateEntry("root-" + i++, root);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot hold the trusted roots", e);
        }
        return store;
    }

    /** A crypto whose key {@code alias} is {@code key} with {@code chain}; its password is {@link #keyPassword()}. */
    public static Merlin withKey(String alias, PrivateKey key, X509Certificate... chain) {
        KeyStore store = emptyStore();
        try {
            store.setKeyEntry(alias, key, IN_MEMORY, chain);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot hold the key " + alias, e);
        }
        Merlin crypto = new Merlin();
        crypto.setKeyStore(store);
        return crypto;
    }

    /** A crypto holding the key a server presents in TLS, as alias {@code server}. */
    public static Merlin withServerKey(X509KeyManager keys) {
        String alias = keys.getServerAliases("RSA", null)[0];
        return withKey("server", keys.getPrivateKey(alias), keys.getCertificateChain(alias));
    }

    /** A crypto holding one certificate, as {@code alias}, e.g. the one to encrypt to. */
    public static Merlin withCertificate(String alias, X509Certificate certificate) {
        KeyStore store = emptyStore();
        try {
            store.setCertificateEntry(alias, certificate);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot hold the certificate " + alias, e);
        }
        Merlin crypto = new Merlin();
        crypto.setKeyStore(store);
        return crypto;
    }

    /** A crypto that trusts these roots; its callers identify a signer by the certificate's subjectAltName. */
    public static Merlin trusting(Collection<X509Certificate> roots) {
        Merlin crypto = new AltNameIdentified();
        crypto.setTrustStore(trustStore(roots));
        return crypto;
    }

    /** The password of the keys in the cryptos of {@link #withKey}. */
    public static String keyPassword() {
        return new String(IN_MEMORY);
    }

    /**
     * The one signature suite WSEmail uses and accepts in WS-Security: RSA-SHA256, SHA-256 digests,
     * exclusive C14N (for a sender what to use, for a receiver all it accepts). A sender lists no
     * inclusive namespace prefixes: they serve a signed part moved into another document, which
     * WSEmail never does (every signature is checked in the message it came in), and they cost
     * about 200 bytes of every signed message.
     */
    public static void signatureSuite(Map<String, Object> wss4jProperties) {
        signatureSuite(wss4jProperties, WSConstants.RSA_SHA256);
    }

    /**
     * The suite of {@link #signatureSuite(Map)} with the signature method {@code key} makes: EdDSA
     * over Ed25519 (RFC 9231) for an Ed25519 key, ECDSA-SHA256 for an EC key, else RSA-SHA256.
     */
    public static void signatureSuite(Map<String, Object> wss4jProperties, PrivateKey key) {
        signatureSuite(wss4jProperties, MessageSignatures.signatureMethod(key));
    }

    private static void signatureSuite(Map<String, Object> wss4jProperties, String signatureMethod) {
        wss4jProperties.put(ConfigurationConstants.SIG_ALGO, signatureMethod);
        wss4jProperties.put(ConfigurationConstants.SIG_DIGEST_ALGO, WSConstants.SHA256);
        wss4jProperties.put(ConfigurationConstants.SIG_C14N_ALGO, WSConstants.C14N_EXCL_OMIT_COMMENTS);
        wss4jProperties.put(ConfigurationConstants.ADD_INCLUSIVE_PREFIXES, "false");
    }

    /** Answers WSS4J's (and JAAS's) password questions with {@code password}. */
    public static CallbackHandler passwordCallback(char[] password) {
        char[] secret = password.clone();
        return callbacks -> {
            for (javax.security.auth.callback.Callback callback : callbacks) {
                if (callback instanceof WSPasswordCallback wss) {
                    wss.setPassword(new String(secret));
                } else if (callback instanceof PasswordCallback jaas) {
                    jaas.setPassword(secret);
                }
            }
        };
    }
}
