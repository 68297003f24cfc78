package org.wsemail.security.internal;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.stream.Collectors;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.wsemail.api.server.TlsCredentials;
import org.wsemail.api.server.TrustedRoots;
import org.wsemail.wire.security.BouncyCastleEd25519;
import org.wsemail.wire.security.DomainTls;

/** This server's TLS identity: its key and certificate, and trust in the roots as they are at each handshake. */
@Component(service = TlsCredentials.class)
public class ServerTls implements TlsCredentials {
    /**
     * Bouncy Castle's Ed25519, for answers signed with the message signing key and for checking
     * other servers' answers; registered with the JVM while this component is active, for the
     * answers signed as they are streamed.
     */
    private final BouncyCastleEd25519 edDsa = new BouncyCastleEd25519();
    private final CredentialStores stores;
    private final TrustedRoots roots;
    private final RootsDerived<X509TrustManager> trust;

    @Activate
    public ServerTls(@Reference CredentialStores stores, @Reference TrustedRoots roots) {
        this.stores = stores;
        this.roots = roots;
        this.trust = new RootsDerived<>(roots, current -> (X509TrustManager) DomainTls.trustManagers(
                current.stream().map(root -> new TrustAnchor(root, null)).collect(Collectors.toSet()))[0]);
        edDsa.registerForStreamedSignatures();
    }

    @Deactivate
    void deactivate() {
        edDsa.unregister();
    }

    @Override
    public KeyManager[] keyManagers() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] transientPassword = SecuritySettings.randomPassword();
            store.setKeyEntry("server", stores.key(), transientPassword, stores.chain().toArray(new Certificate[0]));
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, transientPassword);
            return factory.getKeyManagers();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot present this server's key for TLS: " + e.getMessage(), e);
        }
    }

    @Override
    public AnswerKey answerKey() {
        return new AnswerKey(stores.messageKey(), stores.messageChain(), edDsa);
    }

    @Override
    public TrustManager[] trustManagers() {
        return new TrustManager[] {new CurrentRoots()};
    }

    @Override
    public TrustManager[] trustManagersFor(String domain) {
        return DomainTls.serving(domain, new TrustManager[] {new DomainRoots(domain)});
    }

    /** Accepts a chain only as {@link TrustedRoots#check} does for the domain: a root bound to it, nothing revoked. */
    private final class DomainRoots implements X509TrustManager {
        private final String domain;

        DomainRoots(String domain) {
            this.domain = domain;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            roots.check(List.of(chain), domain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            roots.check(List.of(chain), domain);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return roots.rootsFor(domain).toArray(new X509Certificate[0]);
        }
    }

    /** Checks each chain against the roots trusted at that moment, so that trust-add counts at once. */
    private final class CurrentRoots implements X509TrustManager {
        private X509TrustManager now() {
            return trust.get();
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            now().checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            now().checkServerTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return roots.roots().toArray(new X509Certificate[0]);
        }
    }
}
