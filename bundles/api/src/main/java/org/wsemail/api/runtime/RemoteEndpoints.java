package org.wsemail.api.runtime;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The services exported as this server's SOAP endpoints: what is served where with which intents,
 * and the exports that were refused and why. Thread-safe.
 */
@ProviderType
public interface RemoteEndpoints {

    /** Every exported service the server's provider was handed and still holds, by address. */
    List<EndpointDTO> endpoints();

    /**
     * The CPU time each operation of each endpoint has taken since this provider started (with the
     * server, unless its bundle was restarted), by address and operation; empty if this JVM cannot measure a thread's CPU time.
     */
    List<RequestCpuDTO> requestCpu();
}
