package org.wsemail.client;

import java.net.URI;
import java.nio.file.Path;
import java.security.cert.TrustAnchor;
import java.util.Set;

import org.wsemail.api.Address;

/**
 * Who the user is and how to reach their server, as the command line gathered it from its options,
 * the environment and the config file.
 *
 * @param server the server's base URL
 * @param user the user's address; null when only a certificate file says who they are
 * @param password the user's password, or the certificate file's when logging in with a certificate
 * @param trusted the roots the server's TLS certificate and server signatures must lead to
 * @param certificate the user's PKCS#12 file for certificate login, or null to log in with the password
 */
public record ClientSettings(URI server, Address user, char[] password, Set<TrustAnchor> trusted, Path certificate) {

    /** A client logged in as these settings say. */
    public WsemailClient connect() throws WsemailException {
        if (certificate != null) {
            WsemailClient client = WsemailClient.withCertificate(server, certificate, password, trusted);
            if (user != null && !user.equals(client.user())) {
                throw new WsemailException(WsemailException.BAD_CREDENTIALS, "the certificate is " + client.user()
                        + "'s, not " + user + "'s", null);
            }
            return client;
        }
        return new WsemailClient(server, user, password, trusted);
    }
}
