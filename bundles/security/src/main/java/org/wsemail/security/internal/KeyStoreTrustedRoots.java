package org.wsemail.security.internal;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsemail.api.server.TrustedRoots;

/**
 * The roots this server trusts, kept in the trust store of {@link CredentialStores}. A root added
 * is written there before it counts. {@link #roots()} returns the same list until the roots change,
 * so that readers can keep what they derive from it (trust anchors, a trust manager) until then.
 */
@Component(service = TrustedRoots.class)
public class KeyStoreTrustedRoots implements TrustedRoots {
    private static final Logger LOG = LoggerFactory.getLogger(KeyStoreTrustedRoots.class);

    /** Where added roots are kept; null when the roots were given directly (tests). */
    private final CredentialStores stores;
    private volatile List<X509Certificate> roots;

    @Activate
    public KeyStoreTrustedRoots(@Reference CredentialStores stores) throws IOException, GeneralSecurityException {
        this.stores = stores;
        KeyStore store = stores.loadTrustStore();
        List<X509Certificate> loaded = new ArrayList<>();
        for (String alias : Collections.list(store.aliases())) {
            if (store.isCertificateEntry(alias)) {
                loaded.add((X509Certificate) store.getCertificate(alias));
            }
        }
        if (loaded.isEmpty()) {
            throw new GeneralSecurityException("the trust store " + stores.truststore() + " holds no root certificates");
        }
        this.roots = List.copyOf(loaded);
        LOG.info("Trusting {} roots", roots.size());
    }

    /** For tests: roots given directly, kept in memory only. */
    KeyStoreTrustedRoots(List<X509Certificate> roots) {
        this.stores = null;
        this.roots = List.copyOf(roots);
    }

    @Override
    public List<X509Certificate> roots() {
        return roots;
    }

    @Override
    public synchronized boolean add(X509Certificate root) {
        if (root.getBasicConstraints() < 0) {
            throw new IllegalArgumentException("not a CA certificate: " + root.getSubjectX500Principal().getName());
        }
        try {
            root.checkValidity();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the certificate is not valid now: " + e.getMessage(), e);
        }
        if (roots.contains(root)) {
            return false;
        }
        if (stores != null) {
            try {
                KeyStore store = stores.loadTrustStore();
                store.setCertificateEntry(root.getSubjectX500Principal().getName(), root);
                stores.storeTrustStore(store);
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalStateException("cannot add the root to " + stores.truststore() + ": " + e.getMessage(), e);
            }
        }
        List<X509Certificate> next = new ArrayList<>(roots);
        next.add(root);
        roots = List.copyOf(next);
        LOG.info("Now trusting root {}", root.getSubjectX500Principal().getName());
        return true;
    }
}
