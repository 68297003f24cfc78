package org.wsemail.endpoint.internal;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.net.ssl.X509KeyManager;
import javax.xml.namespace.QName;

import org.apache.cxf.Bus;
import org.apache.cxf.endpoint.Server;
import org.apache.cxf.interceptor.Interceptor;
import org.apache.cxf.jaxws.JaxWsServerFactoryBean;
import org.apache.cxf.message.Message;
import org.apache.cxf.transport.http.HTTPTransportFactory;
import org.apache.cxf.ws.security.SecurityConstants;
import org.apache.cxf.ws.security.wss4j.DefaultCryptoCoverageChecker;
import org.apache.cxf.ws.security.wss4j.WSS4JInInterceptor;
import org.apache.wss4j.common.ConfigurationConstants;
import org.apache.wss4j.common.cache.MemoryReplayCache;
import org.apache.wss4j.dom.WSConstants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsemail.api.AuthenticationMethod;
import org.wsemail.api.runtime.MessagePipeline;
import org.wsemail.api.server.CertificateAuthority;
import org.wsemail.api.server.FederatedTokens;
import org.wsemail.api.server.LocalMta;
import org.wsemail.api.server.MailDomain;
import org.wsemail.api.server.MailQueue;
import org.wsemail.api.server.MailStore;
import org.wsemail.api.server.MessageSigner;
import org.wsemail.api.server.TlsCredentials;
import org.wsemail.api.server.TrustedRoots;
import org.wsemail.api.server.UserDirectory;
import org.wsemail.wire.security.EncryptedDelivery;
import org.wsemail.wire.MessageCodec;
import org.wsemail.wire.security.ResponseSignatures;
import org.wsemail.wire.security.WsCryptos;
import org.wsemail.wire.soap.MailClient;
import org.wsemail.wire.soap.MailClientService;
import org.wsemail.wire.soap.MailPeer;
import org.wsemail.wire.soap.MailPeerService;

/**
 * Publishes the client service and the peer service with CXF JAX-WS, contract first (the WSDL of
 * the wire bundle), under the CXF servlet's context on Karaf's HTTP service: by default
 * {@code http://host:8181/wsemail/client} and {@code .../wsemail/peer}, each with {@code ?wsdl}.
 * Callers prove who they are with WS-Security (password, certificate or federated token, one
 * path each); every response is signed with this server's key ({@link ResponseSignatures}).
 */
@Component(immediate = true, configurationPid = SoapEndpoints.PID)
@Designate(ocd = SoapEndpoints.Config.class)
public class SoapEndpoints {
    static final String PID = "org.wsemail.endpoint";

    private static final Logger LOG = LoggerFactory.getLogger(SoapEndpoints.class);

    @ObjectClassDefinition(name = "WSEmail SOAP endpoints")
    public @interface Config {
        @AttributeDefinition(name = "Client service path", description = "Below the CXF servlet context")
        String client_path() default "/client";

        @AttributeDefinition(name = "Client service path for certificate login",
                description = "Below the CXF servlet context; requests signed with the user's certificate")
        String client_certificate_path() default "/client-cert";

        @AttributeDefinition(name = "Client service path for visitors",
                description = "Below the CXF servlet context; requests with a federated identity token from the visitor's domain")
        String client_federated_path() default "/client-federated";

        @AttributeDefinition(name = "Peer service path", description = "Below the CXF servlet context")
        String peer_path() default "/peer";

        @AttributeDefinition(name = "Largest message (KiB)", description = "Subject, body and attachments together")
        long max_message_kib() default 10_240;

        @AttributeDefinition(name = "Timestamp lifetime (s)", description = "How old a request's wsu:Timestamp may be")
        int timestamp_ttl_seconds() default 300;

        @AttributeDefinition(name = "Clock skew (s)", description = "How far in the future a timestamp may be")
        int future_ttl_seconds() default 60;

        @AttributeDefinition(name = "Deepest XML nesting", description = "Elements inside elements, envelope included")
        int max_xml_depth() default 48;

        @AttributeDefinition(name = "Most children of one XML element")
        int max_xml_children() default 2_000;

        @AttributeDefinition(name = "Most XML elements in one request")
        long max_xml_elements() default 20_000;
    }

    private final Bus bus;
    private final List<Interceptor<? extends Message>> responseSigner;
    private final Server client;
    private final Server clientCertificate;
    private final Server clientFederated;
    private final Server peer;

    @Activate
    public SoapEndpoints(Config config, @Reference HTTPTransportFactory http, @Reference MessagePipeline pipeline,
            @Reference MessageSigner signer, @Reference MailQueue queue, @Reference MailStore store,
            @Reference UserDirectory users, @Reference LocalMta localMta, @Reference MailDomain domain,
            @Reference CertificateAuthority authority, @Reference TrustedRoots roots, @Reference FederatedTokens tokens,
            @Reference TlsCredentials tls, @Reference PeerTrafficCounter traffic) {
        X509KeyManager serverKey = (X509KeyManager) tls.keyManagers()[0];
        this.responseSigner = Buses.withBundleClassLoader(() -> ResponseSignatures.signer(serverKey));
        this.bus = Buses.create(http);
        MessageCodec codec = Buses.withBundleClassLoader(MessageCodec::new);
        ClientService clientService = new ClientService(pipeline, queue, store, domain, users, codec,
                config.max_message_kib() * 1024, Clock.systemUTC(), AuthenticationMethod.USERNAME_TOKEN, tokens, RequestContext.CURRENT);
        ClientService certificateService = new ClientService(pipeline, queue, store, domain, users, codec,
                config.max_message_kib() * 1024, Clock.systemUTC(), AuthenticationMethod.X509_CERTIFICATE, tokens, RequestContext.CURRENT);
        ClientService visitorService = new ClientService(pipeline, queue, store, domain, users, codec,
                config.max_message_kib() * 1024, Clock.systemUTC(), AuthenticationMethod.FEDERATED_TOKEN, tokens, RequestContext.CURRENT);
        Map<String, Object> limits = xmlLimits(config);
        long maxRequestBytes = maxRequestBytes(config);
        Map<String, Object> clientProperties = new HashMap<>(limits);
        // WSS4J's default replay cache is Ehcache, which cannot load its own value class from inside
        // an OSGi bundle: a replayed nonce would fail with a ClassNotFoundException instead of being
        // recognized. An in-memory cache per endpoint, whose entries live as long as a token may.
        clientProperties.put(SecurityConstants.NONCE_CACHE_INSTANCE, new MemoryReplayCache());
        clientProperties.put(SecurityConstants.TIMESTAMP_CACHE_INSTANCE, new MemoryReplayCache());
        this.client = publish(MailClient.class, clientService, config.client_path(),
                MailClientService.WSDL_LOCATION.toString(), MailClientService.SERVICE, MailClientService.MailClientPort,
                clientProperties, maxRequestBytes, usernameTokenSecurity(users, config));
        Map<String, Object> certificateProperties = new HashMap<>(clientProperties);
        // Reads the certificate in the request; whether it logs anyone in is the validator's decision.
        certificateProperties.put("wsemail.userCrypto", WsCryptos.trusting(roots.roots()));
        this.clientCertificate = publish(MailClient.class, certificateService, config.client_certificate_path(),
                MailClientService.WSDL_LOCATION.toString(), MailClientService.SERVICE, MailClientService.MailClientPort,
                certificateProperties, maxRequestBytes, certificateSecurity(authority, users, config));
        clientCertificate.getEndpoint().getInInterceptors().add(new DefaultCryptoCoverageChecker());
        this.clientFederated = publish(MailClient.class, visitorService, config.client_federated_path(),
                MailClientService.WSDL_LOCATION.toString(), MailClientService.SERVICE, MailClientService.MailClientPort,
                clientProperties, maxRequestBytes, federatedSecurity(domain, roots, config));
        clientFederated.getEndpoint().getInInterceptors().add(new DefaultCryptoCoverageChecker());
        clientFederated.getEndpoint().getInInterceptors().add(new HolderOfKeyCheck());
        this.peer = publish(MailPeer.class, new PeerService(signer, localMta, domain, codec, RequestContext.CURRENT), config.peer_path(),
                MailPeerService.WSDL_LOCATION.toString(), MailPeerService.SERVICE, MailPeerService.MailPeerPort,
                limits, maxRequestBytes, EncryptedDelivery.decryptingWith(serverKey));
        peer.getEndpoint().getInInterceptors().add(traffic.delivered.incoming());
        peer.getEndpoint().getOutInterceptors().add(traffic.delivered.outgoing());
        peer.getEndpoint().getOutFaultInterceptors().add(traffic.delivered.outgoing());
        LOG.info("WSEmail services for {} published at {} (password), {} (certificate), {} (visitors) and {}", domain.name(),
                config.client_path(), config.client_certificate_path(), config.client_federated_path(), config.peer_path());
    }

    /**
     * Limits checked while the request is parsed, before anything else reads it: nesting, fan-out
     * and element count (CXF's parser also refuses more than 500 attributes on an element and any
     * document type declaration, so no entity bomb and no external entity).
     */
    private static Map<String, Object> xmlLimits(Config config) {
        Map<String, Object> limits = new HashMap<>();
        limits.put("org.apache.cxf.stax.maxElementDepth", config.max_xml_depth());
        limits.put("org.apache.cxf.stax.maxChildElements", config.max_xml_children());
        limits.put("org.apache.cxf.stax.maxElementCount", config.max_xml_elements());
        return limits;
    }

    /** The largest request body: the largest message, base64-inflated, and room for envelope and headers. */
    private static long maxRequestBytes(Config config) {
        return config.max_message_kib() * 1024 * 4 / 3 + 256 * 1024;
    }

    /**
     * UsernameToken (plain-text password, with a nonce and a creation time) and Timestamp on every
     * request. A token seen before within its lifetime is a replay and refused: WSS4J keeps the
     * nonces in a cache for the token lifetime.
     */
    private static WSS4JInInterceptor usernameTokenSecurity(UserDirectory users, Config config) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConfigurationConstants.ACTION, ConfigurationConstants.USERNAME_TOKEN + " " + ConfigurationConstants.TIMESTAMP);
        props.put(ConfigurationConstants.PASSWORD_TYPE, WSConstants.PW_TEXT);
        props.put(ConfigurationConstants.TTL_TIMESTAMP, String.valueOf(config.timestamp_ttl_seconds()));
        props.put(ConfigurationConstants.TTL_FUTURE_TIMESTAMP, String.valueOf(config.future_ttl_seconds()));
        props.put(ConfigurationConstants.TTL_USERNAMETOKEN, String.valueOf(config.timestamp_ttl_seconds()));
        props.put(ConfigurationConstants.TTL_FUTURE_USERNAMETOKEN, String.valueOf(config.future_ttl_seconds()));
        props.put(ConfigurationConstants.REQUIRE_TIMESTAMP_EXPIRES, "true");
        Map<QName, Object> validators = new HashMap<>();
        validators.put(WSConstants.USERNAME_TOKEN, new UserDirectoryValidator(users));
        props.put(ConfigurationConstants.VALIDATOR_MAP, validators);
        return new WSS4JInInterceptor(props);
    }

    /**
     * A request signed with the user's certificate (a BinarySecurityToken), body and timestamp both
     * signed (checked by the coverage checker), RSA-SHA256 over exclusive C14N only; whose
     * certificate it is decides {@link UserCertificateValidator}. A signed timestamp seen before is a replay.
     */
    private static WSS4JInInterceptor certificateSecurity(CertificateAuthority authority, UserDirectory users, Config config) {
        Map<String, Object> props = signedRequests(config, ConfigurationConstants.SIGNATURE);
        props.put(ConfigurationConstants.SIG_VER_PROP_REF_ID, "wsemail.userCrypto");
        Map<QName, Object> validators = new HashMap<>();
        validators.put(WSConstants.SIGNATURE, new UserCertificateValidator(authority, users));
        props.put(ConfigurationConstants.VALIDATOR_MAP, validators);
        return new WSS4JInInterceptor(props);
    }

    /**
     * A visitor's request: a SAML 2.0 holder-of-key token from the visitor's home server (checked by
     * {@link FederatedTokenValidator}), and a signature over body and timestamp with the token's key
     * (checked by {@link HolderOfKeyCheck}).
     */
    private static WSS4JInInterceptor federatedSecurity(MailDomain domain, TrustedRoots roots, Config config) {
        Map<String, Object> props = signedRequests(config,
                ConfigurationConstants.SAML_TOKEN_SIGNED + " " + ConfigurationConstants.SIGNATURE);
        Map<QName, Object> validators = new HashMap<>();
        validators.put(WSConstants.SAML2_TOKEN, new FederatedTokenValidator(domain, roots));
        props.put(ConfigurationConstants.VALIDATOR_MAP, validators);
        return new WSS4JInInterceptor(props);
    }

    /** What signed requests share: a Timestamp with an expiry, its lifetimes, and the one signature suite. */
    private static Map<String, Object> signedRequests(Config config, String actions) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConfigurationConstants.ACTION, ConfigurationConstants.TIMESTAMP + " " + actions);
        props.put(ConfigurationConstants.TTL_TIMESTAMP, String.valueOf(config.timestamp_ttl_seconds()));
        props.put(ConfigurationConstants.TTL_FUTURE_TIMESTAMP, String.valueOf(config.future_ttl_seconds()));
        props.put(ConfigurationConstants.REQUIRE_TIMESTAMP_EXPIRES, "true");
        WsCryptos.signatureSuite(props);
        return props;
    }

    private Server publish(Class<?> contract, Object implementation, String path, String wsdl, QName service,
            QName port, Map<String, Object> properties, long maxRequestBytes, WSS4JInInterceptor security) {
        return Buses.withBundleClassLoader(() -> {
            JaxWsServerFactoryBean factory = new JaxWsServerFactoryBean();
            factory.setBus(bus);
            factory.setServiceClass(contract);
            factory.setServiceBean(implementation);
            factory.setAddress(path);
            factory.setWsdlLocation(wsdl);
            factory.setServiceName(service);
            factory.setEndpointName(port);
            factory.setProperties(new HashMap<>(properties));
            factory.getInInterceptors().add(new RequestSizeLimit(maxRequestBytes));
            factory.getOutFaultInterceptors().add(new RefusedXmlFaults());
            factory.getOutInterceptors().addAll(responseSigner);
            factory.getOutFaultInterceptors().addAll(responseSigner);
            if (security != null) {
                factory.getInInterceptors().add(security);
            }
            return factory.create();
        });
    }

    @Deactivate
    void deactivate() {
        client.destroy();
        clientCertificate.destroy();
        clientFederated.destroy();
        peer.destroy();
        bus.shutdown(true);
    }
}
