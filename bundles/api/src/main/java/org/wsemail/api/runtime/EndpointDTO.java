package org.wsemail.api.runtime;

import java.time.Instant;
import java.util.Set;

/**
 * A service exported as one of this server's SOAP endpoints, or refused. An immutable snapshot.
 *
 * @param address the path it is (or would have been) served at, e.g. {@code /wsemail/client}
 * @param contract the exported interface
 * @param intents the intents it asked for
 * @param bundle the symbolic name of the bundle that registered the service
 * @param serviceId the exported service's id
 * @param refusal why it was not published, or {@code null} when it is
 * @param since when it was published or refused
 */
public record EndpointDTO(String address, String contract, Set<String> intents, String bundle, long serviceId,
        String refusal, Instant since) {

    public EndpointDTO {
        intents = Set.copyOf(intents);
    }

    /** True when the endpoint is being served. */
    public boolean published() {
        return refusal == null;
    }
}
