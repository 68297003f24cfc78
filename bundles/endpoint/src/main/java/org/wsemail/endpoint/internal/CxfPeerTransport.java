package org.wsemail.endpoint.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.xml.ws.WebServiceException;
import javax.xml.ws.soap.SOAPFaultException;

import org.apache.cxf.Bus;
import org.apache.cxf.configuration.jsse.TLSClientParameters;
import org.apache.cxf.frontend.ClientProxy;
import org.apache.cxf.jaxws.JaxWsProxyFactoryBean;
import org.apache.cxf.transport.http.HTTPConduit;
import org.apache.cxf.transport.http.HTTPTransportFactory;
import org.apache.cxf.transports.http.configuration.HTTPClientPolicy;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.w3c.dom.Element;
import org.wsemail.api.Address;
import org.wsemail.api.MessageFlag;
import org.wsemail.api.server.DeliveryResult;
import org.wsemail.api.server.DomainResolver.ServerEndpoint;
import org.wsemail.api.server.PeerTransport;
import org.wsemail.api.server.TlsCredentials;
import org.wsemail.api.server.TrustedRoots;
import org.wsemail.wire.security.DomainTls;
import org.wsemail.wire.security.EncryptedDelivery;
import org.wsemail.wire.FaultCodes;
import org.wsemail.wire.MessageCodec;
import org.wsemail.wire.security.ResponseSignatures;
import org.wsemail.wire.TransportErrors;
import org.wsemail.wire.soap.DeliverResponse;
import org.wsemail.wire.soap.MailFault;
import org.wsemail.wire.soap.MailPeer;
import org.wsemail.wire.soap.SignedMessage;

/**
 * Calls other servers' peer service with CXF, one reused client per server. A server that cannot be
 * reached, or answers with a server error, is reported as an I/O failure (try the next one, or
 * later); a server that refuses the message itself is reported as a refusal.
 */
@Component(service = PeerTransport.class, configurationPid = CxfPeerTransport.PID)
@Designate(ocd = CxfPeerTransport.Config.class)
public class CxfPeerTransport implements PeerTransport {
    static final String PID = "org.wsemail.peers";

    @ObjectClassDefinition(name = "WSEmail peer transport", description = "How this server reaches other domains' servers.")
    public @interface Config {
        @AttributeDefinition(name = "Scheme", description = "https; http only for closed test networks without TLS")
        String scheme() default "https";

        @AttributeDefinition(name = "Peer service path", description = "Where other servers publish their peer service")
        String path() default "/wsemail/peer";

        @AttributeDefinition(name = "Mutual TLS", description = "Present this server's certificate to the servers it delivers to;"
                + " a receiver that asks for client certificates (tls.client.auth) must trust this server's CA")
        boolean client_certificate() default false;

        @AttributeDefinition(name = "Connect time limit (ms)")
        long connect_timeout_ms() default 10_000;

        @AttributeDefinition(name = "Answer time limit (ms)")
        long receive_timeout_ms() default 60_000;
    }

    private final Bus bus;
    private final Config config;
    private final Map<String, MailPeer> clients = new ConcurrentHashMap<>();
    private final MessageCodec codec = Buses.withBundleClassLoader(MessageCodec::new);

    private final TlsCredentials tls;
    private final TrustedRoots roots;
    private final PeerTrafficCounter traffic;

    @Activate
    public CxfPeerTransport(Config config, @Reference HTTPTransportFactory http, @Reference TlsCredentials tls,
            @Reference TrustedRoots roots, @Reference PeerTrafficCounter traffic) {
        this.config = config;
        this.tls = tls;
        this.roots = roots;
        this.traffic = traffic;
        this.bus = Buses.create(http);
    }

    @Deactivate
    void deactivate() {
        bus.shutdown(true);
    }

    @Override
    public List<DeliveryResult> deliver(ServerEndpoint target, String signedXml, List<Address> recipients)
            throws IOException, PeerRefusedException {
        String url = config.scheme() + "://" + target.connectHost() + ":" + target.port() + config.path();
        String domain = recipients.get(0).domain();
        Element element = codec.parse(signedXml);
        X509Certificate receiver = null;
        if (codec.flags(element).contains(MessageFlag.ENCRYPTED_DELIVERY)) {
            if (!"https".equals(config.scheme())) {
                throw new PeerRefusedException(FaultCodes.NOT_AUTHORIZED
                        + ": the sender asked for encrypted delivery, which needs TLS to learn the receiving server's certificate");
            }
            receiver = receiverCertificate(target.connectHost(), target.port(), domain);
        }
        // The roots bound to the domain are part of the key: after trust-add, the next delivery uses them.
        List<X509Certificate> trusted = roots.rootsFor(domain);
        X509Certificate encryptTo = receiver;
        String key = domain + " " + url + " " + trusted.hashCode() + (receiver == null ? "" : " encrypted to " + receiver.hashCode());
        MailPeer peer = clients.computeIfAbsent(key, k -> client(url, domain, trusted, encryptTo));
        SignedMessage signed = new SignedMessage();
        signed.setAny(element);
        try {
            List<DeliverResponse.Result> answers = Buses.withBundleClassLoader(() -> {
                try {
                    return peer.deliver(signed, recipients.stream().map(Address::toString).toList());
                } catch (MailFault fault) {
                    throw new FaultAnswer(fault);
                }
            });
            List<DeliveryResult> results = new ArrayList<>();
            for (DeliverResponse.Result answer : answers) {
                results.add(new DeliveryResult(Address.parse(answer.getRecipient()),
                        DeliveryResult.Status.valueOf(answer.getStatus().name()),
                        answer.getDetail() == null ? answer.getStatus().name() : answer.getDetail()));
            }
            return results;
        } catch (FaultAnswer answer) {
            MailFault fault = answer.fault;
            String code = fault.getFaultInfo() == null ? FaultCodes.SERVER_ERROR : fault.getFaultInfo().getCode();
            String message = fault.getFaultInfo() == null ? fault.getMessage() : fault.getFaultInfo().getMessage();
            if (FaultCodes.SERVER_ERROR.equals(code)) {
                throw new IOException(url + " failed: " + message);
            }
            throw new PeerRefusedException(code + ": " + message);
        } catch (SOAPFaultException e) {
            if (e.getCause() != null) {
                // A failure on this side while the request was written (over HTTPS the connection is
                // made then): say what failed underneath, e.g. the connection was refused.
                throw new IOException(url + ": " + TransportErrors.describe(e), e);
            }
            throw new IOException(url + " answered with a fault: " + e.getMessage(), e);
        } catch (WebServiceException e) {
            throw new IOException(url + ": " + TransportErrors.describe(e), e);
        }
    }

    /**
     * The receiving server's certificate, as it presents it in a TLS handshake that checks it like
     * any delivery does (a trusted root, naming the recipients' domain).
     */
    private X509Certificate receiverCertificate(String host, int port, String domain) throws IOException {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tls.trustManagersFor(domain), null);
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
                socket.connect(new InetSocketAddress(host, port), (int) config.connect_timeout_ms());
                socket.startHandshake();
                return (X509Certificate) socket.getSession().getPeerCertificates()[0];
            }
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot set up TLS to learn the certificate of " + domain + "'s server: " + e.getMessage(), e);
        }
    }

    /**
     * One client per server and domain. Over HTTPS it trusts the roots this server trusts, accepts
     * the other server only if its certificate names the recipients' domain (whatever host the SRV
     * record named), and, when configured, presents this server's own certificate for mutual TLS. Each
     * answer must carry a signature by that server, whose certificate names the domain.
     *
     * @param encryptTo the receiving server's certificate, to encrypt each request's body to; null for none
     */
    private MailPeer client(String url, String domain, List<X509Certificate> trusted, X509Certificate encryptTo) {
        return Buses.withBundleClassLoader(() -> {
            JaxWsProxyFactoryBean factory = new JaxWsProxyFactoryBean();
            factory.setBus(bus);
            factory.setServiceClass(MailPeer.class);
            factory.setAddress(url);
            ResponseSignatures.Checks checks = ResponseSignatures.checking(domain,
                    trusted.stream().map(root -> new TrustAnchor(root, null)).collect(java.util.stream.Collectors.toSet()));
            factory.getInInterceptors().addAll(checks.interceptors());
            factory.getOutInterceptors().add(traffic.relayed.outgoing());
            factory.getInInterceptors().add(traffic.relayed.incoming());
            if (encryptTo != null) {
                factory.getOutInterceptors().add(EncryptedDelivery.encryptingTo(encryptTo));
            }
            MailPeer peer = (MailPeer) factory.create();
            HTTPClientPolicy policy = new HTTPClientPolicy();
            policy.setConnectionTimeout(config.connect_timeout_ms());
            policy.setReceiveTimeout(config.receive_timeout_ms());
            HTTPConduit conduit = (HTTPConduit) ClientProxy.getClient(peer).getConduit();
            conduit.setClient(policy);
            if ("https".equals(config.scheme())) {
                TLSClientParameters parameters = new TLSClientParameters();
                parameters.setTrustManagers(checks.trustManagers(tls.trustManagersFor(domain)));
                if (config.client_certificate()) {
                    parameters.setKeyManagers(tls.keyManagers());
                }
                parameters.setHostnameVerifier(DomainTls.domainCheckedByTrustManager());
                conduit.setTlsClientParameters(parameters);
            }
            return peer;
        });
    }

    /** Carries a declared fault out of the class-loader wrapper. */
    private static final class FaultAnswer extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient MailFault fault;

        FaultAnswer(MailFault fault) {
            super(fault.getMessage(), null, false, false);
            this.fault = fault;
        }
    }
}
