package org.wsemail.endpoint.internal;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.cxf.binding.soap.SoapFault;
import org.apache.cxf.binding.soap.SoapMessage;
import org.apache.cxf.endpoint.Server;
import org.apache.cxf.interceptor.Fault;
import org.apache.cxf.interceptor.Interceptor;
import org.apache.cxf.message.Message;
import org.apache.cxf.phase.AbstractPhaseInterceptor;
import org.apache.cxf.phase.Phase;
import org.apache.cxf.service.Service;
import org.apache.cxf.service.invoker.Invoker;
import org.apache.cxf.ws.policy.AssertionInfo;
import org.apache.cxf.ws.policy.AssertionInfoMap;
import org.apache.cxf.ws.policy.PolicyException;
import org.apache.cxf.ws.security.SecurityConstants;
import org.apache.cxf.ws.security.wss4j.DefaultCryptoCoverageChecker;
import org.apache.cxf.ws.security.wss4j.PolicyBasedWSS4JInInterceptor;
import org.apache.wss4j.common.ConfigurationConstants;
import org.apache.wss4j.dom.WSConstants;
import org.apache.wss4j.policy.SP12Constants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsemail.api.AuthenticationMethod;
import org.wsemail.api.ProcessingEnvironment;
import org.wsemail.api.plugin.SoapCaller;
import org.wsemail.wire.security.WsCryptos;

/**
 * What the three ways of logging in share. Each states what a request must carry as a
 * WS-SecurityPolicy ({@code policies/<intent name>.xml} in this bundle), which the distribution
 * provider attaches to the contract every endpoint published with the intent serves; CXF enforces
 * that policy, with WSS4J doing the checks it implies, configured from this intent's endpoint
 * properties ({@link #security()}): the Timestamp's lifetimes from the settings, the validators that
 * decide who logs in. A request to an endpoint the policy is somehow not attached to is refused
 * ({@link PolicyInForce}), never let through unchecked. WSS4J's replay caches are
 * off: they remember a nonce before its password is checked, unbounded and whole (a nonce can be
 * megabytes), so a flood of guesses could fill the heap. Instead a {@link ReplayGuard} remembers
 * digests, bounded, and only of requests that proved their sender: the password intent checks a
 * token's nonce after its password, the signed intents a signature's value after it verified.
 */
abstract class LoginIntent extends Intent {
    private static final Logger LOG = LoggerFactory.getLogger(LoginIntent.class);

    final EndpointSettings settings;
    final ReplayGuard replays;

    LoginIntent(EndpointSettings settings, ReplayGuard replays) {
        this.settings = settings;
        this.replays = replays;
    }

    @Override
    Map<String, Object> properties() {
        Map<String, Object> properties = security();
        properties.put(SecurityConstants.ENABLE_NONCE_CACHE, false);
        properties.put(SecurityConstants.ENABLE_TIMESTAMP_CACHE, false);
        return properties;
    }

    /** Refuses a signed request whose signature was seen before; after the signature is verified. */
    Interceptor<? extends Message> signatureReplays() {
        return new SignatureReplayCheck(replays);
    }

    /**
     * WSS4J as the policy directs it (CXF's policy framework would add the same interceptor; this
     * one, with the same id, takes its place), then the check that the policy was in force.
     */
    @Override
    List<Interceptor<? extends Message>> in() {
        return List.of(new PolicyBasedWSS4JInInterceptor(), new PolicyInForce());
    }

    /** The WS-Security settings of this way of logging in, read by WSS4J from the endpoint's properties. */
    abstract Map<String, Object> security();

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

    /** A request the policy refused gets the one security fault; what it lacked goes to the log. */
    @Override
    List<Interceptor<? extends Message>> outFault() {
        return List.of(new PolicyFaults());
    }

    /**
     * Answers a request that did not satisfy the endpoint's security policy as every other failed
     * security check is answered ({@link SecurityFaults}): CXF's own fault names what the request
     * lacked and which assertions there are, more than a caller who failed should learn.
     */
    static final class PolicyFaults extends AbstractPhaseInterceptor<Message> {
        PolicyFaults() {
            super(Phase.PRE_LOGICAL);
        }

        @Override
        public void handleMessage(Message message) {
            if (!(message.getContent(Exception.class) instanceof Fault fault)) {
                return;
            }
            for (Throwable cause = fault; cause != null && cause != cause.getCause(); cause = cause.getCause()) {
                if (cause instanceof PolicyException) {
                    Message request = message.getExchange() == null ? null : message.getExchange().getInMessage();
                    LOG.warn("Refused a request from {}: it does not satisfy the endpoint's security policy: {}",
                            ClientAddress.of(request), LogSafe.text(String.valueOf(cause.getMessage())
                                    .replace("These policy alternatives can not be satisfied:", "").strip()));
                    SoapFault generic = SecurityFaults.refused();
                    fault.setMessage(generic.getMessage());
                    fault.setFaultCode(generic.getFaultCode());
                    return;
                }
            }
        }
    }

    /** Refuses a signed request whose signature does not cover both its Body and its Timestamp, once WSS4J checked it. */
    static Interceptor<? extends Message> coverage() {
        DefaultCryptoCoverageChecker checker = new DefaultCryptoCoverageChecker();
        checker.addAfter(PolicyBasedWSS4JInInterceptor.class.getName());
        return checker;
    }

    /**
     * Refuses every request unless the endpoint's security policy was in force for it: the intent's
     * checks run only as that policy directs, so an endpoint published without it (which the
     * distribution provider never does) would otherwise take requests unchecked.
     */
    static final class PolicyInForce extends AbstractPhaseInterceptor<SoapMessage> {
        PolicyInForce() {
            super(Phase.PRE_PROTOCOL);
            addAfter(PolicyBasedWSS4JInInterceptor.class.getName());
        }

        @Override
        public void handleMessage(SoapMessage message) {
            AssertionInfoMap policy = message.get(AssertionInfoMap.class);
            Collection<AssertionInfo> binding = policy == null ? null : policy.get(SP12Constants.TRANSPORT_BINDING);
            if (binding == null || binding.isEmpty()) {
                LOG.error("Refused a request to {}: the endpoint's security policy is not attached to it",
                        message.get(Message.REQUEST_URI));
                throw new SoapFault("This endpoint's security policy is not in force; the request was refused",
                        message.getVersion().getReceiver());
            }
        }
    }

    /** A Timestamp with an expiry, within the settings' lifetimes. */
    static Map<String, Object> timestamped(EndpointSettings settings) {
        Map<String, Object> props = new HashMap<>();
        props.put(SecurityConstants.TIMESTAMP_TTL, String.valueOf(settings.timestamp_ttl_seconds()));
        props.put(SecurityConstants.TIMESTAMP_FUTURE_TTL, String.valueOf(settings.future_ttl_seconds()));
        props.put(ConfigurationConstants.REQUIRE_TIMESTAMP_EXPIRES, "true");
        return props;
    }

    /**
     * A signed request: a Timestamp, and the one signature suite accepted. The policies name the
     * suite Basic256Sha256, whose asymmetric signature WS-SecurityPolicy 1.2 fixes as RSA-SHA1; this
     * server accepts RSA-SHA256 only, which CXF takes from a setting of its own.
     */
    static Map<String, Object> signedRequests(EndpointSettings settings) {
        Map<String, Object> props = timestamped(settings);
        WsCryptos.signatureSuite(props);
        props.put(SecurityConstants.ASYMMETRIC_SIGNATURE_ALGORITHM, WSConstants.RSA_SHA256);
        return props;
    }
}
