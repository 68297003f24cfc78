package org.wsemail.api.server;

import java.io.IOException;
import java.util.ArrayList;
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

    /** A signed message and its recipients, all at one domain, for {@link #deliverAll}. */
    record Parcel(String signedXml, List<Address> recipients) {
        public Parcel {
            recipients = List.copyOf(recipients);
        }
    }

    /**
     * Delivers several signed messages for one domain to the server {@code target}, in as few calls
     * as the server allows. This default makes one {@link #deliver} call per parcel.
     *
     * @return for each parcel, in order, the results for its recipients: a parcel the server refused
     *     as a whole has UNKNOWN_RECIPIENT for each recipient with the reason; a parcel that could not
     *     be handed over after others were has FAILED, so that it is tried again later
     * @throws IOException if the server could not be reached or did not answer before any parcel was
     *     handed over, so that the caller tries the domain's next server or later
     */
    default List<List<DeliveryResult>> deliverAll(DomainResolver.ServerEndpoint target, List<Parcel> parcels)
            throws IOException {
        List<List<DeliveryResult>> outcomes = new ArrayList<>();
        for (Parcel parcel : parcels) {
            try {
                outcomes.add(deliver(target, parcel.signedXml(), parcel.recipients()));
            } catch (IOException e) {
                if (outcomes.isEmpty()) {
                    throw e;
                }
                outcomes.add(DeliveryResult.all(parcel.recipients(), DeliveryResult.Status.FAILED, e.getMessage()));
            } catch (PeerRefusedException e) {
                outcomes.add(DeliveryResult.all(parcel.recipients(), DeliveryResult.Status.UNKNOWN_RECIPIENT,
                        "refused by " + target.host() + ": " + e.getMessage()));
            }
        }
        return outcomes;
    }

    /** The receiving server refused the whole message; the message says why. */
    class PeerRefusedException extends Exception {
        private static final long serialVersionUID = 1L;

        public PeerRefusedException(String message) {
            super(message);
        }
    }
}
