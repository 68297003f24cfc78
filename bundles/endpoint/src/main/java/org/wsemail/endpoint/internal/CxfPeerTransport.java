package org.wsemail.endpoint.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
import org.wsemail.wire.soap.DeliverBatch;
import org.wsemail.wire.soap.DeliverBatchResponse;
import org.wsemail.wire.soap.MailFault;
import org.wsemail.wire.soap.MailPeer;
import org.wsemail.wire.soap.RecipientResult;
import org.wsemail.wire.soap.Refusal;
import org.wsemail.wire.soap.SignedMessage;

/**
 * Calls other servers' peer service with CXF, one reused client per server; several messages for a
 * domain go in one call. A server that cannot be reached, or answers with a server error, is
 * reported as an I/O failure (try the next one, or later); a server that refuses the message itself
 * is reported as a refusal.
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

    private static final Logger LOG = LoggerFactory.getLogger(CxfPeerTransport.class);
    /** The most messages in one batch call: what a queue's delivery thread hands over at once. */
    static final int BATCH_PARCELS = 20;
    /**
     * The most characters of signed messages in one batch call: well inside the request size a
     * receiving server takes by default (10 MiB messages, base64-inflated); larger messages go alone.
     */
    static final int BATCH_CHARACTERS = 1 << 20;

    private final Bus bus;
    private final Config config;
    private final Map<String, MailPeer> clients = new ConcurrentHashMap<>();
    /** Servers that did not take a batch, and until when (System.nanoTime) they get messages one by one. */
    private final Map<String, Long> singleOnly = new ConcurrentHashMap<>();
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
        String url = url(target);
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
        MailPeer peer = peer(url, domain, receiver);
        SignedMessage signed = new SignedMessage();
        signed.setAny(element);
        try {
            return results(call(url, () -> peer.deliver(signed, recipients.stream().map(Address::toString).toList())));
        } catch (SOAPFaultException e) {
            throw new IOException(url + " answered with a fault: " + e.getMessage(), e);
        }
    }

    /**
     * Several messages for one domain: in batch calls of at most {@link #BATCH_PARCELS} messages and
     * {@link #BATCH_CHARACTERS} characters, except those whose senders asked for encrypted delivery,
     * which go one by one afterwards (each is encrypted to the receiving server on its own). A server that does
     * not take a batch (an older one, say, or one whose request limits it exceeds) gets those messages
     * one by one, and no batch for the next hour unless it only failed with a server fault that once.
     */
    @Override
    public List<List<DeliveryResult>> deliverAll(ServerEndpoint target, List<Parcel> parcels) throws IOException {
        String url = url(target);
        Long until = singleOnly.get(url);
        if (parcels.size() == 1 || until != null && System.nanoTime() - until < 0) {
            return PeerTransport.super.deliverAll(target, parcels);
        }
        List<Element> elements = new ArrayList<>();
        for (Parcel parcel : parcels) {
            elements.add(codec.parse(parcel.signedXml()));
        }
        Deque<List<Integer>> calls = calls(parcels, elements);
        List<List<DeliveryResult>> outcomes = new ArrayList<>(java.util.Collections.nCopies(parcels.size(), null));
        boolean handedOver = false;
        while (!calls.isEmpty()) {
            List<Integer> call = calls.poll();
            try {
                if (call.size() == 1) {
                    int i = call.get(0);
                    outcomes.set(i, PeerTransport.super.deliverAll(target, List.of(parcels.get(i))).get(0));
                } else if (!deliverBatch(target, url, call, parcels, elements, outcomes)) {
                    for (int k = call.size() - 1; k >= 0; k--) {
                        calls.addFirst(List.of(call.get(k)));
                    }
                    continue;
                }
                handedOver = true;
            } catch (IOException e) {
                if (!handedOver) {
                    throw e;
                }
                failed(call, parcels, outcomes, e.getMessage());
            }
        }
        return outcomes;
    }

    /** The calls that hand the parcels over, by their indices: batches first, then each encrypted one alone. */
    private Deque<List<Integer>> calls(List<Parcel> parcels, List<Element> elements) {
        Deque<List<Integer>> calls = new ArrayDeque<>();
        List<List<Integer>> alone = new ArrayList<>();
        List<Integer> chunk = new ArrayList<>();
        int characters = 0;
        for (int i = 0; i < parcels.size(); i++) {
            if (codec.flags(elements.get(i)).contains(MessageFlag.ENCRYPTED_DELIVERY)) {
                alone.add(List.of(i));
                continue;
            }
            int size = parcels.get(i).signedXml().length();
            if (!chunk.isEmpty() && (chunk.size() == BATCH_PARCELS || characters + size > BATCH_CHARACTERS)) {
                calls.add(chunk);
                chunk = new ArrayList<>();
                characters = 0;
            }
            chunk.add(i);
            characters += size;
        }
        if (!chunk.isEmpty()) {
            calls.add(chunk);
        }
        calls.addAll(alone);
        return calls;
    }

    /**
     * Hands the parcels at {@code chunk} over in one call and sets their outcomes.
     *
     * @return false if the server did not take the batch: the parcels are to go one by one
     * @throws IOException if the server could not be reached or did not answer
     */
    private boolean deliverBatch(ServerEndpoint target, String url, List<Integer> chunk, List<Parcel> parcels,
            List<Element> elements, List<List<DeliveryResult>> outcomes) throws IOException {
        String domain = parcels.get(chunk.get(0)).recipients().get(0).domain();
        MailPeer peer = peer(url, domain, null);
        List<DeliverBatch.Parcel> request = new ArrayList<>();
        for (int i : chunk) {
            DeliverBatch.Parcel parcel = new DeliverBatch.Parcel();
            SignedMessage signed = new SignedMessage();
            signed.setAny(elements.get(i));
            parcel.setSignedMessage(signed);
            parcel.getRecipient().addAll(parcels.get(i).recipients().stream().map(Address::toString).toList());
            request.add(parcel);
        }
        List<DeliverBatchResponse.Outcome> answers;
        try {
            answers = call(url, () -> peer.deliverBatch(request));
        } catch (PeerRefusedException | SOAPFaultException e) {
            // Not taken as a batch (no such operation, a request limit): one by one for the next hour,
            // unless the server only failed this time.
            boolean failedThisTime = e instanceof SOAPFaultException fault && isServerFault(fault);
            LOG.info("{} did not take {} messages in one call ({}); they go one by one{}", url, chunk.size(), e.getMessage(),
                    failedThisTime ? "" : ", and so does its mail for the next hour");
            if (!failedThisTime) {
                singleOnly.put(url, System.nanoTime() + java.util.concurrent.TimeUnit.HOURS.toNanos(1));
            }
            return false;
        }
        if (answers.size() != chunk.size()) {
            failed(chunk, parcels, outcomes, url + " answered " + answers.size() + " outcomes for " + chunk.size() + " messages");
            return true;
        }
        traffic.relayed.messagesSent.addAndGet(chunk.size() - 1L);
        for (int k = 0; k < chunk.size(); k++) {
            int i = chunk.get(k);
            Refusal refusal = answers.get(k).getRefused();
            if (refusal == null) {
                outcomes.set(i, results(answers.get(k).getResult()));
            } else {
                boolean later = FaultCodes.SERVER_ERROR.equals(refusal.getCode());
                outcomes.set(i, DeliveryResult.all(parcels.get(i).recipients(),
                        later ? DeliveryResult.Status.FAILED : DeliveryResult.Status.UNKNOWN_RECIPIENT,
                        (later ? url + " failed: " : "refused by " + target.host() + ": " + refusal.getCode() + ": ")
                                + refusal.getMessage()));
            }
        }
        return true;
    }

    /** FAILED, to be tried again later, for each parcel of the call. */
    private static void failed(List<Integer> call, List<Parcel> parcels, List<List<DeliveryResult>> outcomes, String reason) {
        for (int i : call) {
            outcomes.set(i, DeliveryResult.all(parcels.get(i).recipients(), DeliveryResult.Status.FAILED, reason));
        }
    }

    /** A fault the server says is its own (SOAP 1.1 Server, 1.2 Receiver), not the request's. */
    private static boolean isServerFault(SOAPFaultException fault) {
        String code = fault.getFault() == null ? "" : fault.getFault().getFaultCode();
        return code != null && (code.endsWith(":Server") || code.endsWith(":Receiver"));
    }

    private String url(ServerEndpoint target) {
        return config.scheme() + "://" + target.connectHost() + ":" + target.port() + config.path();
    }

    /** The client for this server and domain, encrypting each request to {@code encryptTo} unless null. */
    private MailPeer peer(String url, String domain, X509Certificate encryptTo) {
        // The roots bound to the domain are part of the key: after trust-add, the next delivery uses them.
        List<X509Certificate> trusted = roots.rootsFor(domain);
        String key = domain + " " + url + " " + trusted.hashCode() + (encryptTo == null ? "" : " encrypted to " + encryptTo.hashCode());
        return clients.computeIfAbsent(key, k -> client(url, domain, trusted, encryptTo));
    }

    private static List<DeliveryResult> results(List<RecipientResult> answers) {
        List<DeliveryResult> results = new ArrayList<>();
        for (RecipientResult answer : answers) {
            results.add(new DeliveryResult(Address.parse(answer.getRecipient()),
                    DeliveryResult.Status.valueOf(answer.getStatus().name()),
                    answer.getDetail() == null ? answer.getStatus().name() : answer.getDetail()));
        }
        return results;
    }

    /** A call to a peer: its answer, or why there is none. */
    private interface Call<T> {
        T call() throws MailFault;
    }

    /**
     * Makes the call with this bundle's class loader. A server error, or no answer, is an I/O failure;
     * any other fault the server declares is a refusal; a fault it does not declare (CXF's own, say)
     * is thrown as it came.
     */
    private <T> T call(String url, Call<T> call) throws IOException, PeerRefusedException {
        try {
            return Buses.withBundleClassLoader(() -> {
                try {
                    return call.call();
                } catch (MailFault fault) {
                    throw new FaultAnswer(fault);
                }
            });
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
            throw e;
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
                    trusted.stream().map(root -> new TrustAnchor(root, null)).collect(java.util.stream.Collectors.toSet()),
                    tls.answerKey().edDsa());
            factory.getInInterceptors().addAll(checks.interceptors());
            factory.getOutInterceptors().add(checks.offering());
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
