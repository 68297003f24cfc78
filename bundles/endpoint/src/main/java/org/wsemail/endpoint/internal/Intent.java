package org.wsemail.endpoint.internal;

import java.util.List;
import java.util.Map;

import org.apache.cxf.Bus;
import org.apache.cxf.endpoint.Endpoint;
import org.apache.cxf.endpoint.Server;
import org.apache.cxf.feature.AbstractFeature;
import org.apache.cxf.interceptor.Interceptor;
import org.apache.cxf.message.Message;

/**
 * An intent of this server's SOAP endpoints: the interceptors and endpoint properties a part of its
 * security adds to every endpoint published with it. Registered as a CXF {@link
 * org.apache.cxf.feature.Feature} service named by the intent (the property {@value #NAME}), which
 * the distribution provider looks up through cxf-dosgi's intent manager. Shared by every endpoint
 * that asks for it, so what it adds is thread-safe.
 */
abstract class Intent extends AbstractFeature {
    /** The service property naming an intent, as cxf-dosgi's intent manager reads it. */
    static final String NAME = "org.apache.cxf.dosgi.IntentName";

    @Override
    public final void initialize(Server server, Bus bus) {
        Endpoint endpoint = server.getEndpoint();
        endpoint.putAll(properties());
        endpoint.getInInterceptors().addAll(in());
        endpoint.getOutInterceptors().addAll(out());
        endpoint.getOutFaultInterceptors().addAll(outFault());
        adapt(server);
    }

    /** Anything else it changes on the published server. */
    void adapt(Server server) {
    }

    /** Endpoint properties it sets. */
    Map<String, Object> properties() {
        return Map.of();
    }

    /** Interceptors on requests. */
    List<Interceptor<? extends Message>> in() {
        return List.of();
    }

    /** Interceptors on answers. */
    List<Interceptor<? extends Message>> out() {
        return List.of();
    }

    /** Interceptors on faults. */
    List<Interceptor<? extends Message>> outFault() {
        return List.of();
    }
}
