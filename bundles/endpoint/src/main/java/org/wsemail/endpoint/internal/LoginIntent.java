package org.wsemail.endpoint.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.xml.namespace.QName;

import org.apache.cxf.endpoint.Server;
import org.apache.cxf.interceptor.Fault;
import org.apache.cxf.interceptor.Interceptor;
import org.apache.cxf.message.Message;
import org.apache.cxf.service.Service;
import org.apache.cxf.service.invoker.Invoker;
import org.apache.cxf.ws.security.SecurityConstants;
import org.apache.cxf.ws.security.wss4j.WSS4JInInterceptor;
import org.apache.wss4j.common.ConfigurationConstants;
import org.wsemail.api.AuthenticationMethod;
import org.wsemail.api.ProcessingEnvironment;
import org.wsemail.api.plugin.SoapCaller;
import org.wsemail.wire.security.WsCryptos;

/**
 * What the three ways of logging in share: WS-Security checked by WSS4J with a Timestamp whose
 * lifetimes come from the settings, and a replay check of their own. WSS4J's replay caches are
 * off: they remember a nonce before its password is checked, unbounded and whole (a nonce can be
 * megabytes), so a flood of guesses could fill the heap. Instead a {@link ReplayGuard} remembers
 * digests, bounded, and only of requests that proved their sender: the password intent checks a
 * token's nonce after its password, the signed intents a signature's value after it verified.
 */
abstract class LoginIntent extends Intent {
    final EndpointSettings settings;
    final ReplayGuard replays;

    LoginIntent(EndpointSettings settings, ReplayGuard replays) {
        this.settings = settings;
        this.replays = replays;
    }

    @Override
    Map<String, Object> properties() {
        Map<String, Object> properties = new HashMap<>();
        properties.put(SecurityConstants.ENABLE_NONCE_CACHE, false);
        properties.put(SecurityConstants.ENABLE_TIMESTAMP_CACHE, false);
        return properties;
    }

    /** Refuses a signed request whose signature was seen before; after the signature is verified. */
    Interceptor<? extends Message> signatureReplays() {
        return new SignatureReplayCheck(replays);
    }

    @Override
    List<Interceptor<? extends Message>> in() {
        return List.of(new WSS4JInInterceptor(wss4j()));
    }

    /** The WSS4J settings of this way of logging in. */
    abstract Map<String, Object> wss4j();

    /** How callers of this way log in, as plug-ins see it. */
    abstract AuthenticationMethod method();

    /**
     * The service is invoked with its authenticated caller as {@link SoapCaller#current()}, so that
     * a plug-in's own endpoint knows who calls without knowing CXF.
     */
    @Override
    void adapt(Server server) {
        Service service = server.getEndpoint().getService();
        Invoker invoker = service.getInvoker();
        service.setInvoker((exchange, arguments) -> {
            ProcessingEnvironment caller = RequestContext.environment(RequestContext.authenticatedUser(), method(),
                    method() != AuthenticationMethod.FEDERATED_TOKEN);
            try {
                return SoapCaller.serve(caller, () -> invoker.invoke(exchange, arguments));
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new Fault(e);
            }
        });
    }

    /** A Timestamp with an expiry, within the settings' lifetimes, and these actions. */
    static Map<String, Object> timestamped(EndpointSettings settings, String actions) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConfigurationConstants.ACTION, ConfigurationConstants.TIMESTAMP + " " + actions);
        props.put(ConfigurationConstants.TTL_TIMESTAMP, String.valueOf(settings.timestamp_ttl_seconds()));
        props.put(ConfigurationConstants.TTL_FUTURE_TIMESTAMP, String.valueOf(settings.future_ttl_seconds()));
        props.put(ConfigurationConstants.REQUIRE_TIMESTAMP_EXPIRES, "true");
        return props;
    }

    /** A signed request: a Timestamp, these actions, and the one signature suite accepted. */
    static Map<String, Object> signedRequests(EndpointSettings settings, String actions) {
        Map<String, Object> props = timestamped(settings, actions);
        WsCryptos.signatureSuite(props);
        return props;
    }

    static Map<QName, Object> validators(QName token, Object validator) {
        Map<QName, Object> validators = new HashMap<>();
        validators.put(token, validator);
        return validators;
    }
}
