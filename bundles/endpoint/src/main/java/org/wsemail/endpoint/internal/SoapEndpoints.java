package org.wsemail.endpoint.internal;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

import javax.xml.namespace.QName;

import org.apache.cxf.Bus;
import org.apache.cxf.endpoint.Server;
import org.apache.cxf.jaxws.JaxWsServerFactoryBean;
import org.apache.cxf.transport.http.HTTPTransportFactory;
import org.apache.cxf.ws.security.wss4j.WSS4JInInterceptor;
import org.apache.wss4j.common.ConfigurationConstants;
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
import org.wsemail.api.runtime.MessagePipeline;
import org.wsemail.api.server.LocalMta;
import org.wsemail.api.server.MailDomain;
import org.wsemail.api.server.MailQueue;
import org.wsemail.api.server.MailStore;
import org.wsemail.api.server.MessageSigner;
import org.wsemail.api.server.UserDirectory;
import org.wsemail.wire.MessageCodec;
import org.wsemail.wire.soap.MailClient;
import org.wsemail.wire.soap.MailClientService;
import org.wsemail.wire.soap.MailPeer;
import org.wsemail.wire.soap.MailPeerService;

/**
 * Publishes the client service and the peer service with CXF JAX-WS, contract first (the WSDL of
 * the wire bundle), under the CXF servlet's context on Karaf's HTTP service: by default
 * {@code http://host:8181/wsemail/client} and {@code .../wsemail/peer}, each with {@code ?wsdl}.
 * The client service requires a WS-Security UsernameToken and Timestamp.
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

        @AttributeDefinition(name = "Peer service path", description = "Below the CXF servlet context")
        String peer_path() default "/peer";

        @AttributeDefinition(name = "Largest message (KiB)", description = "Subject, body and attachments together")
        long max_message_kib() default 10_240;

        @AttributeDefinition(name = "Timestamp lifetime (s)", description = "How old a request's wsu:Timestamp may be")
        int timestamp_ttl_seconds() default 300;

        @AttributeDefinition(name = "Clock skew (s)", description = "How far in the future a timestamp may be")
        int future_ttl_seconds() default 60;
    }

    private final Bus bus;
    private final Server client;
    private final Server peer;

    @Activate
    public SoapEndpoints(Config config, @Reference HTTPTransportFactory http, @Reference MessagePipeline pipeline,
            @Reference MessageSigner signer, @Reference MailQueue queue, @Reference MailStore store,
            @Reference UserDirectory users, @Reference LocalMta localMta, @Reference MailDomain domain) {
        this.bus = Buses.create(http);
        MessageCodec codec = Buses.withBundleClassLoader(MessageCodec::new);
        ClientService clientService = new ClientService(pipeline, signer, queue, store, domain, users, codec,
                config.max_message_kib() * 1024, Clock.systemUTC());
        this.client = publish(MailClient.class, clientService, config.client_path(),
                MailClientService.WSDL_LOCATION.toString(), MailClientService.SERVICE, MailClientService.MailClientPort,
                usernameTokenSecurity(users, config));
        this.peer = publish(MailPeer.class, new PeerService(signer, localMta, domain, codec), config.peer_path(),
                MailPeerService.WSDL_LOCATION.toString(), MailPeerService.SERVICE, MailPeerService.MailPeerPort, null);
        LOG.info("WSEmail services for {} published at {} and {}", domain.name(), config.client_path(), config.peer_path());
    }

    private static WSS4JInInterceptor usernameTokenSecurity(UserDirectory users, Config config) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConfigurationConstants.ACTION, ConfigurationConstants.USERNAME_TOKEN + " " + ConfigurationConstants.TIMESTAMP);
        props.put(ConfigurationConstants.PASSWORD_TYPE, WSConstants.PW_TEXT);
        props.put(ConfigurationConstants.TTL_TIMESTAMP, String.valueOf(config.timestamp_ttl_seconds()));
        props.put(ConfigurationConstants.TTL_FUTURE_TIMESTAMP, String.valueOf(config.future_ttl_seconds()));
        Map<QName, Object> validators = new HashMap<>();
        validators.put(WSConstants.USERNAME_TOKEN, new UserDirectoryValidator(users));
        props.put(ConfigurationConstants.VALIDATOR_MAP, validators);
        return new WSS4JInInterceptor(props);
    }

    private Server publish(Class<?> contract, Object implementation, String path, String wsdl, QName service,
            QName port, WSS4JInInterceptor security) {
        return Buses.withBundleClassLoader(() -> {
            JaxWsServerFactoryBean factory = new JaxWsServerFactoryBean();
            factory.setBus(bus);
            factory.setServiceClass(contract);
            factory.setServiceBean(implementation);
            factory.setAddress(path);
            factory.setWsdlLocation(wsdl);
            factory.setServiceName(service);
            factory.setEndpointName(port);
            if (security != null) {
                factory.getInInterceptors().add(security);
            }
            return factory.create();
        });
    }

    @Deactivate
    void deactivate() {
        client.destroy();
        peer.destroy();
        bus.shutdown(true);
    }
}
