package org.wsemail.api;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * What the server knows about the request a plug-in is working on: who the authenticated caller is,
 * how they authenticated, whether they are a user of this server, the security tokens they presented,
 * the raw SOAP envelope, and (in the delivery stage) the recipient being delivered to.
 *
 * <p>Immutable. The DOM nodes it hands out belong to the request: plug-ins read them and must not
 * change them. DOM is not thread-safe, so a plug-in must not read them from other threads.
 */
public final class ProcessingEnvironment {
    private final Address caller;
    private final AuthenticationMethod authentication;
    private final boolean localUser;
    private final List<Element> securityTokens;
    private final Document soapEnvelope;
    private final Address recipient;
    private final String signedMessage;

    private ProcessingEnvironment(Address caller, AuthenticationMethod authentication, boolean localUser,
            List<Element> securityTokens, Document soapEnvelope, Address recipient, String signedMessage) {
        this.caller = Objects.requireNonNull(caller, "caller");
        this.authentication = Objects.requireNonNull(authentication, "authentication");
        this.localUser = localUser;
        this.securityTokens = List.copyOf(securityTokens);
        this.soapEnvelope = soapEnvelope;
        this.recipient = recipient;
        this.signedMessage = signedMessage;
    }

    /** An environment for a request from {@code caller}, with no tokens or envelope attached. */
    public static ProcessingEnvironment of(Address caller, AuthenticationMethod authentication, boolean localUser) {
        return new ProcessingEnvironment(caller, authentication, localUser, List.of(), null, null, null);
    }

    /** The same environment carrying the WS-Security token elements and SOAP envelope of the request. */
    public ProcessingEnvironment withRequest(List<Element> tokens, Document envelope) {
        return new ProcessingEnvironment(caller, authentication, localUser, tokens, envelope, recipient, signedMessage);
    }

    /** The same environment, scoped to delivery to one recipient. */
    public ProcessingEnvironment forRecipient(Address recipient) {
        return new ProcessingEnvironment(caller, authentication, localUser, securityTokens, soapEnvelope,
                Objects.requireNonNull(recipient, "recipient"), signedMessage);
    }

    /** The same environment, carrying the message being delivered as its sending server signed it. */
    public ProcessingEnvironment withSignedMessage(String signedXml) {
        return new ProcessingEnvironment(caller, authentication, localUser, securityTokens, soapEnvelope, recipient,
                Objects.requireNonNull(signedXml, "signedXml"));
    }

    /** The authenticated identity of the caller (for relayed mail: the peer server's postmaster). */
    public Address caller() {
        return caller;
    }

    public AuthenticationMethod authentication() {
        return authentication;
    }

    /** True if the caller is a user of this server's own domain. */
    public boolean isLocalUser() {
        return localUser;
    }

    /** The token elements from the request's WS-Security header, in document order; empty if none. */
    public List<Element> securityTokens() {
        return securityTokens;
    }

    /** The request's SOAP envelope, when the request came over SOAP. */
    public Optional<Document> soapEnvelope() {
        return Optional.ofNullable(soapEnvelope);
    }

    /** In the delivery stage, the recipient this delivery is for. */
    public Optional<Address> recipient() {
        return Optional.ofNullable(recipient);
    }

    /**
     * In the delivery stage, the message as the server that sent it signed it (the XML of its
     * {@code message} element, signature included): what a plug-in hands on when it delivers the
     * message itself, so that the receiver can check who vouched for it. It is the message as it
     * arrived; a delivery plug-in earlier in the chain may have changed the form it passes on.
     */
    public Optional<String> signedMessage() {
        return Optional.ofNullable(signedMessage);
    }
}
