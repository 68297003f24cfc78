package org.wsemail.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Provider;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.xml.ws.Holder;
import javax.xml.ws.WebServiceException;
import javax.xml.ws.soap.SOAPFaultException;

import org.apache.cxf.configuration.jsse.TLSClientParameters;
import org.apache.cxf.frontend.ClientProxy;
import org.apache.cxf.interceptor.Interceptor;
import org.apache.cxf.jaxws.JaxWsProxyFactoryBean;
import org.apache.cxf.transport.common.gzip.GZIPInInterceptor;
import org.apache.cxf.transport.http.HTTPConduit;
import org.apache.cxf.transports.http.configuration.HTTPClientPolicy;
import org.apache.cxf.ws.security.wss4j.WSS4JOutInterceptor;
import org.apache.wss4j.common.ConfigurationConstants;
import org.apache.wss4j.common.crypto.Merlin;
import org.apache.wss4j.common.saml.SAMLCallback;
import org.apache.wss4j.dom.WSConstants;
import org.w3c.dom.Element;
import org.wsemail.api.Address;
import org.wsemail.api.Attachment;
import org.wsemail.api.MailMessage;
import org.wsemail.api.MessageFlag;
import org.wsemail.wire.MessageCodec;
import org.wsemail.wire.security.BouncyCastleEd25519;
import org.wsemail.wire.security.HeldCertificates;
import org.wsemail.wire.security.MessageSignatures;
import org.wsemail.wire.security.DomainTls;
import org.wsemail.wire.security.ResponseSignatures;
import org.wsemail.wire.security.StreamedSecurityHeader;
import org.wsemail.wire.security.WsCryptos;
import org.wsemail.wire.TransportErrors;
import org.wsemail.wire.WireCounter;
import org.wsemail.wire.soap.AnyXml;
import org.wsemail.wire.soap.Header;
import org.wsemail.wire.soap.MailClient;
import org.wsemail.wire.soap.MailFault;
import org.wsemail.wire.soap.Message;
import org.wsemail.wire.soap.SignedMessage;

/**
 * A user's connection to their own WSEmail server. Every request carries a WS-Security Timestamp
 * and either a UsernameToken or a signature with the user's certificate. Messages read are checked against the sending server's signature
 * with the trusted roots given. Not thread-safe: use one per thread.
 */
public final class WsemailClient {
    /** Where the client service lives below the server's base URL. */
    public static final String CLIENT_PATH = "/client";
    /** Where the client service for certificate login lives below the server's base URL. */
    public static final String CERTIFICATE_PATH = "/client-cert";
    /** Where the client service for visitors with a federated identity token lives. */
    public static final String FEDERATED_PATH = "/client-federated";

    private final MailClient port;
    private final Set<TrustAnchor> trusted;
    private final MessageCodec codec = new MessageCodec();
    /** Bouncy Castle's Ed25519, for the signatures of answers and messages: eight times the JDK's speed at checking. */
    private static final Provider ED_DSA = new BouncyCastleEd25519();

    private final MessageSignatures signatures = new MessageSignatures(ED_DSA);
    /** The signing certificates of the last messages read, which the server need not send again. */
    private final HeldCertificates held = new HeldCertificates();
    private final String url;
    private final Address user;
    private final WireCounter wire = new WireCounter();
    /** The server's base URL, how this client logs in there (a path of the client service) and with what. */
    private final URI server;
    private final String path;
    private final String serverDomain;
    private final Map<String, Object> security;
    /** The user's key, for a client logged in with a certificate: it asks for tokens to fetch attachments elsewhere. */
    private UserKey key;
    private char[] keyPassword;

    /**
     * Logs in with a password (a UsernameToken on every request).
     *
     * @param server the server's base URL, e.g. {@code https://mail.a.example:8443/wsemail}
     * @param user the user's address, which is their user name
     * @param password their password
     * @param trusted the root certificates that server signatures and the server's TLS certificate must lead to
     */
    public WsemailClient(URI server, Address user, char[] password, Set<TrustAnchor> trusted) {
        this(server, CLIENT_PATH, user, user.domain(), usernameToken(user, password), trusted);
    }

    /**
     * Logs in with a certificate the user's domain issued: every request is signed with its key.
     *
     * @param keyStore the user's PKCS#12 file (from wsemail:cert-issue-user)
     * @param password the file's password
     * @throws WsemailException if the file cannot be read or holds no certificate naming one address
     */
    public static WsemailClient withCertificate(URI server, Path keyStore, char[] password, Set<TrustAnchor> trusted)
            throws WsemailException {
        UserKey key = UserKey.load(keyStore, password);
        Map<String, Object> security = signedRequests(key, password);
        security.put(ConfigurationConstants.ACTION, ConfigurationConstants.TIMESTAMP + " " + ConfigurationConstants.SIGNATURE);
        security.put(ConfigurationConstants.SIG_KEY_ID, "DirectReference");
        WsemailClient client = new WsemailClient(server, CERTIFICATE_PATH, key.user(), key.user().domain(), security, trusted);
        client.key = key;
        client.keyPassword = password.clone();
        return client;
    }

    /**
     * Visits another domain's server with a token from the user's own server ({@link #requestToken}):
     * every request carries the token and is signed with the key of the certificate it is bound to.
     * A visitor may send to that domain's users and call its extensions; it has no mailbox there.
     *
     * @param server the other domain's server, whose certificate must name {@code domain}
     * @param token the token, as {@link #requestToken} returned it
     * @param keyStore the user's PKCS#12 file, the one the token was requested with
     */
    public static WsemailClient visiting(URI server, String domain, Element token, Path keyStore, char[] password,
            Set<TrustAnchor> trusted) throws WsemailException {
        return visiting(server, domain, token, UserKey.load(keyStore, password), password, trusted);
    }

    private static WsemailClient visiting(URI server, String domain, Element token, UserKey key, char[] password,
            Set<TrustAnchor> trusted) {
        Map<String, Object> security = signedRequests(key, password);
        security.put(ConfigurationConstants.ACTION, ConfigurationConstants.TIMESTAMP + " " + ConfigurationConstants.SAML_TOKEN_SIGNED);
        security.put(ConfigurationConstants.SAML_CALLBACK_REF, (javax.security.auth.callback.CallbackHandler) callbacks -> {
            for (javax.security.auth.callback.Callback callback : callbacks) {
                if (callback instanceof SAMLCallback saml) {
                    saml.setAssertionElement(token);
                }
            }
        });
        return new WsemailClient(server, FEDERATED_PATH, key.user(), domain, security, trusted);
    }

    /**
     * Asks the user's own server for a token to present at {@code domain}'s server. Only a client
     * logged in with a certificate can ask: the token is bound to that certificate.
     */
    public Element requestToken(String domain) throws WsemailException {
        return call(() -> port.requestToken(domain)).getAny();
    }

    /** Whose certificate a PKCS#12 file holds: the one mail address it names. */
    public static Address certificateUser(Path keyStore, char[] password) throws WsemailException {
        return UserKey.load(keyStore, password).user();
    }

    /** The user's key and certificate from their PKCS#12 file. */
    private record UserKey(KeyStore store, String alias, Address user) {
        static UserKey load(Path keyStore, char[] password) throws WsemailException {
            KeyStore store;
            String alias;
            X509Certificate certificate;
            try (InputStream in = Files.newInputStream(keyStore)) {
                store = KeyStore.getInstance("PKCS12");
                store.load(in, password);
                KeyStore loaded = store;
                alias = Collections.list(store.aliases()).stream().filter(a -> isKey(loaded, a)).findFirst()
                        .orElseThrow(() -> new WsemailException(WsemailException.BAD_CREDENTIALS, keyStore + " holds no private key", null));
                certificate = (X509Certificate) store.getCertificate(alias);
            } catch (IOException | GeneralSecurityException e) {
                throw new WsemailException(WsemailException.BAD_CREDENTIALS, "cannot read " + keyStore + ": " + e.getMessage(), e);
            }
            Set<String> addresses = DomainTls.mailAddresses(certificate);
            if (addresses.size() != 1) {
                throw new WsemailException(WsemailException.BAD_CREDENTIALS, "the certificate in " + keyStore
                        + " names " + addresses + ", not one address", null);
            }
            return new UserKey(store, alias, Address.parse(addresses.iterator().next()));
        }
    }

    /** WS-Security settings for requests signed (body and timestamp) with the user's key. */
    private static Map<String, Object> signedRequests(UserKey key, char[] password) {
        Merlin crypto = new Merlin();
        crypto.setKeyStore(key.store());
        Map<String, Object> security = new HashMap<>();
        security.put(ConfigurationConstants.USER, key.alias());
        security.put(ConfigurationConstants.SIG_PROP_REF_ID, "wsemail.userCrypto");
        security.put("wsemail.userCrypto", crypto);
        security.put(ConfigurationConstants.SIGNATURE_PARTS, WsCryptos.TIMESTAMP_AND_BODY);
        WsCryptos.signatureSuite(security);
        security.put(ConfigurationConstants.PW_CALLBACK_REF, WsCryptos.passwordCallback(password));
        return security;
    }

    private static boolean isKey(KeyStore store, String alias) {
        try {
            return store.isKeyEntry(alias);
        } catch (java.security.KeyStoreException e) {
            return false;
        }
    }

    private static Map<String, Object> usernameToken(Address user, char[] password) {
        Map<String, Object> security = new HashMap<>();
        security.put(ConfigurationConstants.ACTION, ConfigurationConstants.USERNAME_TOKEN + " " + ConfigurationConstants.TIMESTAMP);
        security.put(ConfigurationConstants.USER, user.toString());
        security.put(ConfigurationConstants.PASSWORD_TYPE, WSConstants.PW_TEXT);
        security.put(ConfigurationConstants.ADD_USERNAMETOKEN_NONCE, "true");
        security.put(ConfigurationConstants.ADD_USERNAMETOKEN_CREATED, "true");
        security.put(ConfigurationConstants.PW_CALLBACK_REF, WsCryptos.passwordCallback(password));
        return security;
    }

    /** @param serverDomain the domain the server's TLS certificate must name */
    private WsemailClient(URI server, String path, Address user, String serverDomain, Map<String, Object> security,
            Set<TrustAnchor> trusted) {
        if (!"https".equalsIgnoreCase(server.getScheme())) {
            throw new IllegalArgumentException("the server URL must start with https://: " + server
                    + " would carry credentials and mail in clear");
        }
        if (trusted.isEmpty()) {
            throw new IllegalArgumentException("no trusted roots: give the root certificates the server's certificate"
                    + " must lead to (WsemailClient.systemRoots() for the JVM's public roots)");
        }
        this.trusted = Set.copyOf(trusted);
        this.user = user;
        this.server = server;
        this.path = path;
        this.serverDomain = serverDomain;
        this.security = Map.copyOf(security);
        this.url = server.toString().replaceAll("/+$", "") + path;
        JaxWsProxyFactoryBean factory = new JaxWsProxyFactoryBean();
        factory.setServiceClass(MailClient.class);
        factory.setAddress(url);
        factory.getOutInterceptors().addAll(requestSecurity(path, security));
        factory.getOutInterceptors().add(wire.outgoing());
        factory.getInInterceptors().add(wire.incoming());
        // A read comes back compressed (intent wsemail.compressed-reads); the counter above sees its bytes as they travelled.
        factory.getInInterceptors().add(new GZIPInInterceptor());
        ResponseSignatures.Checks checks = ResponseSignatures.checking(serverDomain, trusted, ED_DSA);
        factory.getInInterceptors().addAll(checks.interceptors());
        factory.getOutInterceptors().add(checks.offering());
        this.port = (MailClient) factory.create();
        connect(port, Duration.ofSeconds(60), checks, trusted);
        ((HTTPConduit) ClientProxy.getClient(port).getConduit()).getClient().setAcceptEncoding("gzip");
    }

    /**
     * WS-Security for this client's requests. A password login's UsernameToken and Timestamp are
     * written as the request streams out, by WS-Security's streaming implementation: no SAAJ tree of
     * the request is built (docs/PERFORMANCE.md, "The load tool's own cost"). Requests signed
     * with the user's key or carrying a token from another domain keep the DOM implementation.
     */
    private static List<Interceptor<? extends org.apache.cxf.message.Message>> requestSecurity(String path,
            Map<String, Object> security) {
        return CLIENT_PATH.equals(path) ? StreamedSecurityHeader.requests(security) : List.of(new WSS4JOutInterceptor(security));
    }

    /** The HTTPS connection of a service proxy: time limits, and the server checked as {@code checks} say. */
    private static void connect(Object port, Duration receiveTimeout, ResponseSignatures.Checks checks, Set<TrustAnchor> trusted) {
        HTTPClientPolicy policy = new HTTPClientPolicy();
        policy.setConnectionTimeout(10_000);
        policy.setReceiveTimeout(receiveTimeout.toMillis());
        HTTPConduit conduit = (HTTPConduit) ClientProxy.getClient(port).getConduit();
        conduit.setClient(policy);
        conduit.setTlsClientParameters(tls(checks, trusted));
    }

    /**
     * Attachments kept on servers: upload for sending, fetch, versions; see {@link AttachmentTransfer}.
     * Take one for a task and use it for all of it: it keeps the servers it reached.
     */
    public AttachmentTransfer attachments() {
        return new AttachmentTransfer(this);
    }

    /** The server's base URL. */
    URI baseUrl() {
        return server;
    }

    /** The domain of the server this client talks to. */
    String serverDomain() {
        return serverDomain;
    }

    /**
     * The attachments service at {@code base}, logged in as this client is: users of a domain at its
     * {@code /attachments} (password) or {@code /attachments-cert}, visitors at
     * {@code /attachments-federated}. Contents travel as MTOM parts, streamed from and to files;
     * WS-Security signs the XML only, never reading the parts. The server must prove it is
     * {@code domain}'s.
     */
    org.wsemail.wire.attachments.Attachments attachmentsService(URI base, String domain) {
        String service = switch (path) {
            case CERTIFICATE_PATH -> "/attachments-cert";
            case FEDERATED_PATH -> "/attachments-federated";
            default -> "/attachments";
        };
        Map<String, Object> streaming = new HashMap<>(security);
        streaming.put(ConfigurationConstants.EXPAND_XOP_INCLUDE, "false");
        streaming.put(ConfigurationConstants.STORE_BYTES_IN_ATTACHMENT, "false");
        JaxWsProxyFactoryBean factory = new JaxWsProxyFactoryBean();
        factory.setServiceClass(org.wsemail.wire.attachments.Attachments.class);
        factory.setAddress(base.toString().replaceAll("/+$", "") + service);
        factory.getOutInterceptors().add(new WSS4JOutInterceptor(streaming));
        Map<String, Object> properties = new HashMap<>();
        properties.put(org.apache.cxf.message.Message.MTOM_ENABLED, Boolean.TRUE);
        properties.put("attachment-memory-threshold", String.valueOf(64 * 1024));
        factory.setProperties(properties);
        org.wsemail.wire.attachments.Attachments port = (org.wsemail.wire.attachments.Attachments) factory.create();
        connect(port, Duration.ofMinutes(5), ResponseSignatures.checking(domain, trusted), trusted);
        return port;
    }

    /**
     * A client of {@code domain}'s server at {@code base} as a visitor, with a token this client's
     * own server issues for that domain; only a client logged in with a certificate can get one.
     */
    WsemailClient visitorAt(URI base, String domain) throws WsemailException {
        if (key == null) {
            throw new WsemailException(WsemailException.NOT_AUTHENTICATED, "reaching " + domain + "'s server needs a token from "
                    + user.domain() + ", which only a client logged in with a certificate gets (--certificate)", null);
        }
        Element token = requestToken(domain);
        return visiting(base, domain, token, key, keyPassword, trusted);
    }

    /** Runs a call to a service of a server, with its faults in the client's words. */
    <T> T callService(String address, ServiceCall<T> call) throws WsemailException {
        try {
            return call.run();
        } catch (org.wsemail.wire.attachments.MailFault fault) {
            throw refusal(fault, fault.getFaultInfo());
        } catch (SOAPFaultException fault) {
            throw refusal(fault);
        } catch (WebServiceException e) {
            throw new WsemailException(WsemailException.CONNECTION_FAILED, "cannot reach " + address + ": " + TransportErrors.describe(e), e);
        }
    }

    /** A call to a service other than the client service. */
    interface ServiceCall<T> {
        T run() throws org.wsemail.wire.attachments.MailFault;
    }

    /** The bytes of the last request's SOAP message, as sent (the HTTP body). */
    public long lastRequestBytes() {
        return wire.sent.get();
    }

    /** The bytes of the last response's SOAP message, as received (the HTTP body). */
    public long lastResponseBytes() {
        return wire.received.get();
    }

    /** Who this client acts as. */
    public Address user() {
        return user;
    }

    /**
     * The server must prove it serves the expected domain: its certificate names the domain (whatever
     * host the URL names) and leads to one of the trusted roots.
     */
    private static TLSClientParameters tls(ResponseSignatures.Checks checks, Set<TrustAnchor> trusted) {
        TLSClientParameters parameters = new TLSClientParameters();
        parameters.setTrustManagers(checks.trustManagers(DomainTls.trustManagers(trusted)));
        parameters.setHostnameVerifier(DomainTls.domainCheckedByTrustManager());
        return parameters;
    }

    /**
     * The public roots this Java installation trusts, for a user who chooses them explicitly: a
     * server with a certificate from a public CA. Never a default.
     */
    public static Set<TrustAnchor> systemRoots() {
        try {
            javax.net.ssl.TrustManagerFactory factory = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
            factory.init((KeyStore) null);
            Set<TrustAnchor> anchors = new java.util.HashSet<>();
            for (javax.net.ssl.TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof javax.net.ssl.X509TrustManager x509) {
                    for (X509Certificate root : x509.getAcceptedIssuers()) {
                        anchors.add(new TrustAnchor(root, null));
                    }
                }
            }
            return anchors;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the system's trusted roots", e);
        }
    }

    /** Sends a message; returns the id the server gave it. */
    public String send(List<Address> to, String subject, String body) throws WsemailException {
        return send(to, subject, body, List.of());
    }

    /** Sends a message with attachments; returns the id the server gave it. */
    public String send(List<Address> to, String subject, String body, List<Attachment> attachments) throws WsemailException {
        return send(to, subject, body, attachments, Set.of());
    }

    /**
     * Sends a message with flags, e.g. {@link MessageFlag#ENCRYPTED_DELIVERY}: the user's server then
     * encrypts it to the receiving server's certificate when it relays it.
     */
    public String send(List<Address> to, String subject, String body, List<Attachment> attachments, Set<MessageFlag> flags)
            throws WsemailException {
        Message message = new Message();
        to.forEach(recipient -> message.getRecipient().add(recipient.toString()));
        message.setSubject(subject);
        message.setBody(body);
        for (Attachment attachment : attachments) {
            org.wsemail.wire.soap.Attachment wire = new org.wsemail.wire.soap.Attachment();
            wire.setName(attachment.name());
            wire.setContentType(attachment.contentType());
            if (attachment.onDemand().isPresent()) {
                wire.setOnDemand(MessageCodec.toWire(attachment.onDemand().get()));
            } else {
                wire.setContent(attachment.content());
            }
            message.getAttachment().add(wire);
        }
        for (MessageFlag flag : flags) {
            message.getFlag().add(org.wsemail.wire.soap.Flag.valueOf(flag.name()));
        }
        Holder<String> id = new Holder<>();
        Holder<Integer> queued = new Holder<>();
        call(() -> {
            port.send(message, id, queued);
            return null;
        });
        return id.value;
    }

    /** The headers of the messages in the mailbox sent at or after {@code since}, oldest first. */
    public List<Header> inbox(Instant since) throws WsemailException {
        return call(() -> port.listHeaders(codec.toXml(since)));
    }

    /** Reads a message and checks its signature. */
    public ReadMessage read(long id) throws WsemailException {
        Holder<Header> header = new Holder<>();
        Holder<SignedMessage> signed = new Holder<>();
        HeldCertificates.Offer offer = held.offer();
        call(() -> {
            port.retrieve(id, offer.digests(), header, signed);
            return null;
        });
        return verified(id, codec.detached(signed.value.getAny()), offer);
    }

    /**
     * Reads a message that reached this client some other way than from its mailbox (an instant
     * message pushed to it, say) as its signed XML, and checks the signature as {@link #read} does.
     *
     * @return the message (with id 0: it is in no mailbox), whether its signature verified, and by whom
     * @throws IllegalArgumentException if it is not a well-formed message
     */
    public ReadMessage verify(String signedXml) {
        return verified(0, codec.parse(signedXml), HeldCertificates.Offer.NONE);
    }

    /** Checks a message's signature, with the certificates its server named by digest put back from {@code offer}. */
    private ReadMessage verified(long id, Element element, HeldCertificates.Offer offer) {
        MailMessage message = codec.fromElement(element);
        try {
            offer.restore(element);
            MessageSignatures.Signer signer = signatures.verify(element, trusted);
            held.remember(signer.chain());
            String domain = message.sender().domain();
            if (message.hasFlag(MessageFlag.LEGACY_MAIL)) {
                // Internet mail: the gateway that took it over SMTP signed it; the sender's domain signed nothing.
                String gateway = signer.names(user.domain()) ? "your own server's gateway " + user.domain()
                        : "the gateway of another domain (" + subject(signer) + ")";
                return new ReadMessage(id, message, signer.names(user.domain()), "Internet mail (SMTP), not signed by "
                        + domain + ": taken in and signed by " + gateway);
            }
            if (!signer.names(domain) && signer.names(user.domain())) {
                // Only a visitor's message is signed by the reader's own server for a foreign sender:
                // the server accepted it from the sender directly, on a token from the sender's domain.
                return new ReadMessage(id, message, true, "signed by your own server " + user.domain() + " ("
                        + subject(signer) + "), which took it from the sender directly, vouched for by " + domain);
            }
            if (!signer.names(domain)) {
                return new ReadMessage(id, message, false, "signed by " + subject(signer)
                        + ", whose certificate does not name the sender's domain " + domain);
            }
            return new ReadMessage(id, message, true, "signed by " + domain + " (" + subject(signer) + ")");
        } catch (MessageSignatures.InvalidSignatureException e) {
            return new ReadMessage(id, message, false, e.getMessage());
        }
    }

    /** The signer's certificate subject and the kind of key it signed with, as a reader is told them. */
    private static String subject(MessageSignatures.Signer signer) {
        return signer.certificate().getSubjectX500Principal().getName() + ", " + signer.keyKind() + " key";
    }

    /** Calls the server extension {@code id} (a plug-in) with an XML request; returns its XML answer. */
    public Element extension(String id, Element request) throws WsemailException {
        AnyXml wire = new AnyXml();
        wire.setAny(request);
        return call(() -> port.extension(id, wire)).getAny();
    }

    /** Deletes messages; returns how many were deleted. */
    public int delete(List<Long> ids) throws WsemailException {
        return call(() -> port.delete(ids));
    }

    /** A server's refusal ({@code mail:fault}, from any of its services), in the client's terms. */
    private static WsemailException refusal(Exception fault, org.wsemail.wire.soap.Fault info) {
        return info == null ? new WsemailException("Fault", fault.getMessage(), fault)
                : new WsemailException(info.getCode(), info.getMessage(), fault);
    }

    private WsemailException refusal(SOAPFaultException fault) {
        String text = fault.getMessage() == null ? "" : fault.getMessage();
        if (text.contains("security") || text.contains("authenticat")) {
            return new WsemailException(WsemailException.NOT_AUTHENTICATED, path.equals(CERTIFICATE_PATH)
                    ? "the server refused the certificate" : path.equals(FEDERATED_PATH)
                    ? "the server refused the token" : "the server refused the user name or password", fault);
        }
        return new WsemailException("Fault", text, fault);
    }

    private interface Call<T> {
        T run() throws MailFault;
    }

    private <T> T call(Call<T> call) throws WsemailException {
        wire.reset();
        try {
            return call.run();
        } catch (MailFault fault) {
            throw refusal(fault, fault.getFaultInfo());
        } catch (SOAPFaultException fault) {
            throw refusal(fault);
        } catch (WebServiceException e) {
            throw new WsemailException(WsemailException.CONNECTION_FAILED,
                    "cannot reach " + url + ": " + TransportErrors.describe(e), e);
        }
    }
}
