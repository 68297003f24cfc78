package org.wsemail.api.server;

import java.security.cert.X509Certificate;

import org.osgi.annotation.versioning.ProviderType;
import org.w3c.dom.Element;
import org.wsemail.api.Address;

/**
 * Federated identity tokens (tier 1 across domains): this server, as its users' home server, vouches
 * for one of them to another domain's server with a short-lived SAML 2.0 assertion it signs. The
 * assertion is holder-of-key: it is bound to the user's certificate, so only a request signed with
 * that certificate's key can use it. Thread-safe.
 */
@ProviderType
public interface FederatedTokens {

    /**
     * Issues a token for a local user, to be presented to the server of {@code audienceDomain}.
     *
     * @param userCertificate the certificate the user proved they hold, which names them
     * @return the signed assertion, a DOM element of its own document
     * @throws IllegalArgumentException if the user is not local or the certificate does not name them
     */
    Element issue(Address user, X509Certificate userCertificate, String audienceDomain);
}
