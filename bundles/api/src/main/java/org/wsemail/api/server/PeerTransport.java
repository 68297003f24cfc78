package org.wsemail.api.server;

import java.io.IOException;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;
import org.wsemail.api.Address;

/** Hands signed messages to other domains' servers (their Deliver operation). Thread-safe. */
@ProviderType
public interface PeerTransport {

    /**
     * Delivers a signed message to recipients at the server {@code target}.
     *
     * @return the receiving server's result for each recipient
     * @throws IOException if the server could not be reached or did not answer, so that the caller
     *     tries the domain's next server or later
     * @throws PeerRefusedException if the server refused the message as a whole (a bad signature,
     *     say): trying again will not help
     */
    List<DeliveryResult> deliver(DomainResolver.ServerEndpoint target, String signedXml, List<Address> recipients)
            throws IOException, PeerRefusedException;

    /** The receiving server refused the whole message; the message says why. */
    class PeerRefusedException extends Exception {
        private static final long serialVersionUID = 1L;

        public PeerRefusedException(String message) {
            super(message);
        }
    }
}
