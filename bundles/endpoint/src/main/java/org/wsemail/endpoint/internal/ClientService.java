package org.wsemail.endpoint.internal;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import javax.xml.datatype.XMLGregorianCalendar;
import javax.xml.ws.Holder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Element;
import org.wsemail.api.Address;
import org.wsemail.api.Attachment;
import org.wsemail.api.AuthenticationMethod;
import org.wsemail.api.MailMessage;
import org.wsemail.api.MessageFlag;
import org.wsemail.api.ProcessingEnvironment;
import org.wsemail.api.plugin.ExtensionException;
import org.wsemail.api.runtime.MessagePipeline;
import org.wsemail.api.runtime.SendingOutcome;
import org.wsemail.api.server.FederatedTokens;
import org.wsemail.api.server.MailDomain;
import org.wsemail.api.server.MailQueue;
import org.wsemail.api.server.MailStore;
import org.wsemail.api.server.MessageHeader;
import org.wsemail.api.server.StoredMessage;
import org.wsemail.api.server.UserDirectory;
import org.wsemail.wire.FaultCodes;
import org.wsemail.wire.MessageCodec;
import org.wsemail.wire.security.HeldCertificates;
import org.wsemail.wire.soap.AnyXml;
import org.wsemail.wire.soap.Flag;
import org.wsemail.wire.soap.Header;
import org.wsemail.wire.soap.MailClient;
import org.wsemail.wire.soap.MailFault;
import org.wsemail.wire.soap.Message;
import org.wsemail.wire.soap.SignedMessage;

/**
 * The client service: what a user's client calls on its own server, after WS-Security has
 * authenticated the user. Send refuses unknown local recipients, oversized messages and sends
 * beyond the sender's limits ({@link SendingLimits}), runs the sending chain, signs the message as
 * this server and queues it; the mailbox operations act on the
 * caller's own mailbox only. Called concurrently.
 */
class ClientService implements MailClient {
    private static final Logger LOG = LoggerFactory.getLogger(ClientService.class);

    private final MessagePipeline pipeline;
    private final MailQueue queue;
    private final MailStore store;
    private final MailDomain domain;
    private final UserDirectory users;
    private final MessageCodec codec;
    private final long maxMessageBytes;
    private final SendingLimits limits;
    private final Clock clock;
    private final AuthenticationMethod method;
    private final FederatedTokens tokens;
    private final Caller caller;

    /**
     * The server's parts a client service works with.
     *
     * @param maxMessageBytes the largest message accepted: subject, body and attachments together
     * @param limits how much one sender may send, shared by the client endpoints
     */
    record Parts(MessagePipeline pipeline, MailQueue queue, MailStore store, MailDomain domain, UserDirectory users,
            FederatedTokens tokens, MessageCodec codec, long maxMessageBytes, SendingLimits limits, Clock clock) {
    }

    /**
     * @param method how this endpoint's callers authenticate (the plug-ins see it); callers with a
     *     {@link AuthenticationMethod#FEDERATED_TOKEN} are visitors from other domains, who may only
     *     send to local users and call extensions
     */
    ClientService(Parts parts, AuthenticationMethod method, Caller caller) {
        this.pipeline = parts.pipeline();
        this.queue = parts.queue();
        this.store = parts.store();
        this.domain = parts.domain();
        this.users = parts.users();
        this.codec = parts.codec();
        this.maxMessageBytes = parts.maxMessageBytes();
        this.limits = parts.limits();
        this.clock = parts.clock();
        this.method = method;
        this.tokens = parts.tokens();
        this.caller = caller;
    }

    private boolean visitor() {
        return method == AuthenticationMethod.FEDERATED_TOKEN;
    }

    /** Visitors have no mailbox here. */
    private void requireMailbox(Address user) throws MailFault {
        if (visitor()) {
            throw refused(user, FaultCodes.NOT_AUTHORIZED, user + " is a visitor from " + user.domain() + " and has no mailbox at "
                    + domain.name() + "; a visitor may send to users of " + domain.name() + " and call extensions");
        }
    }

    @Override
    public void send(Message wire, Holder<String> messageId, Holder<Integer> queued) throws MailFault {
        Address user = caller.user();
        MailMessage message;
        try {
            message = codec.fromClient(wire, user, UUID.randomUUID() + "@" + domain.name(), clock.instant());
        } catch (IllegalArgumentException e) {
            throw refused(user, FaultCodes.BAD_REQUEST, e.getMessage());
        }
        for (Attachment attachment : message.attachments()) {
            if (attachment.onDemand().filter(described -> described.location() != null).isPresent()) {
                throw refused(user, FaultCodes.BAD_REQUEST, "attachment " + attachment.name() + " says where to fetch it; only the"
                        + " sending server writes that, for an attachment it keeps; nothing was sent");
            }
        }
        List<Address> unknown;
        try {
            unknown = message.recipients().stream()
                    .filter(recipient -> domain.isLocal(recipient) && !users.exists(recipient)).toList();
        } catch (RuntimeException e) {
            throw serverError("check the recipients", e);
        }
        if (!unknown.isEmpty()) {
            throw refused(user, FaultCodes.UNKNOWN_RECIPIENT, "no such user: "
                    + String.join(", ", unknown.stream().map(Address::toString).toList()) + "; nothing was sent");
        }
        if (visitor()) {
            List<Address> remote = message.recipients().stream().filter(recipient -> !domain.isLocal(recipient)).toList();
            if (!remote.isEmpty()) {
                throw refused(user, FaultCodes.NOT_AUTHORIZED, "a visitor from " + user.domain() + " may send only to users of "
                        + domain.name() + ", not to " + String.join(", ", remote.stream().map(Address::toString).toList())
                        + "; nothing was sent");
            }
        }
        long size = size(message);
        if (size > maxMessageBytes) {
            throw refused(user, FaultCodes.MESSAGE_TOO_LARGE,
                    "the message is " + size + " bytes; this server accepts at most " + maxMessageBytes);
        }
        SendingLimits.Reservation reservation;
        try {
            reservation = limits.reserve(user, visitor(), message.recipients().size(), size);
        } catch (SendingLimits.Exceeded e) {
            throw refused(user, FaultCodes.LIMIT_EXCEEDED, e.getMessage() + "; nothing was sent");
        }
        boolean sent = false;
        try {
            ProcessingEnvironment env = caller.environment(user, method, !visitor());
            SendingOutcome outcome = pipeline.send(message, env);
            if (!outcome.isAccepted()) {
                throw refused(user, FaultCodes.REJECTED, outcome.reason().orElseThrow());
            }
            MailMessage accepted = outcome.message().orElseThrow().toBuilder().sender(user).build();
            for (Attachment attachment : accepted.attachments()) {
                if (attachment.onDemand().filter(described -> described.location() == null).isPresent()) {
                    throw refused(user, FaultCodes.REJECTED, "attachment " + attachment.name() + " was uploaded to be kept on this"
                            + " server, but no plug-in here keeps attachments (on-demand-attachments is not installed); attach"
                            + " the file itself; nothing was sent");
                }
            }
            try {
                List<Long> entries = queue.submit(accepted);
                messageId.value = accepted.messageId();
                queued.value = entries.size();
                sent = true;
                LOG.info("Accepted message {} from {} for {}", accepted.messageId(), user, accepted.recipients());
            } catch (RuntimeException e) {
                throw serverError("queue the message", e);
            }
        } finally {
            if (!sent) {
                limits.release(reservation);
            }
        }
    }

    private static long size(MailMessage message) {
        long size = message.subject().length() + (long) message.body().length();
        for (Attachment attachment : message.attachments()) {
            size += attachment.size();
        }
        return size;
    }

    @Override
    public List<Header> listHeaders(XMLGregorianCalendar since) throws MailFault {
        Address user = caller.user();
        requireMailbox(user);
        Instant from = since == null ? Instant.EPOCH : since.toGregorianCalendar().toInstant();
        try {
            return store.headers(user, from).stream().map(this::header).toList();
        } catch (RuntimeException e) {
            throw serverError("list the mailbox", e);
        }
    }

    @Override
    public void retrieve(long id, List<byte[]> heldCertificate, Holder<Header> header, Holder<SignedMessage> signedMessage)
            throws MailFault {
        Address user = caller.user();
        requireMailbox(user);
        List<byte[]> held = heldCertificate == null ? List.of() : heldCertificate;
        if (held.size() > HeldCertificates.OFFERED || held.stream().anyMatch(digest -> digest == null || digest.length != 32)) {
            throw refused(user, FaultCodes.BAD_REQUEST, "a read may name at most " + HeldCertificates.OFFERED
                    + " held certificates, each by its SHA-256 digest (32 bytes); it named " + held.size());
        }
        StoredMessage stored;
        try {
            stored = store.retrieve(user, id).orElseThrow(() -> new NoSuchMessage(id));
        } catch (NoSuchMessage e) {
            throw refused(user, FaultCodes.NO_SUCH_MESSAGE, e.getMessage());
        } catch (RuntimeException e) {
            throw serverError("read the message", e);
        }
        header.value = header(stored.header());
        SignedMessage signed = new SignedMessage();
        Element message = codec.parse(stored.signedXml());
        HeldCertificates.nameHeld(message, held);
        signed.setAny(message);
        signedMessage.value = signed;
    }

    @Override
    public int delete(List<Long> ids) throws MailFault {
        Address user = caller.user();
        requireMailbox(user);
        try {
            int deleted = store.delete(user, ids);
            LOG.info("{} deleted {} of messages {}", user, deleted, ids);
            return deleted;
        } catch (RuntimeException e) {
            throw serverError("delete messages", e);
        }
    }

    @Override
    public AnyXml extension(String extensionId, AnyXml request) throws MailFault {
        Address user = caller.user();
        Element argument = request == null ? null : request.getAny();
        if (argument == null) {
            throw refused(user, FaultCodes.BAD_REQUEST, "an extension request needs an XML argument");
        }
        try {
            Element response = pipeline.extension(extensionId, argument,
                    caller.environment(user, method, !visitor()));
            AnyXml wire = new AnyXml();
            wire.setAny(response);
            return wire;
        } catch (ExtensionException e) {
            throw refused(user, e.code(), e.getMessage());
        }
    }

    /**
     * Vouches for the caller to another domain's server. The token is bound to the certificate the
     * request was signed with, so only certificate login can ask for one.
     */
    @Override
    public AnyXml requestToken(String audience) throws MailFault {
        Address user = caller.user();
        X509Certificate certificate = caller.certificate();
        if (method != AuthenticationMethod.X509_CERTIFICATE || certificate == null) {
            throw refused(user, FaultCodes.NOT_AUTHORIZED,
                    "a token is bound to your certificate: log in with it (the certificate endpoint) to ask for one");
        }
        String target = audience == null ? "" : audience.trim().toLowerCase(java.util.Locale.ROOT);
        if (!target.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")) {
            throw refused(user, FaultCodes.BAD_REQUEST, "'" + audience + "' is not a mail domain");
        }
        if (target.equals(domain.name())) {
            throw refused(user, FaultCodes.BAD_REQUEST, "a token is for another domain's server, not for " + domain.name());
        }
        try {
            AnyXml token = new AnyXml();
            token.setAny(tokens.issue(user, certificate, target));
            return token;
        } catch (IllegalArgumentException e) {
            throw refused(user, FaultCodes.NOT_AUTHORIZED, e.getMessage());
        } catch (RuntimeException e) {
            throw serverError("issue a token", e);
        }
    }

    private Header header(MessageHeader stored) {
        Header header = new Header();
        header.setId(stored.id());
        header.setSender(stored.sender().toString());
        header.setSubject(stored.subject());
        header.setTimestamp(codec.toXml(stored.timestamp()));
        for (MessageFlag flag : stored.flags()) {
            header.getFlag().add(Flag.valueOf(flag.name()));
        }
        header.setSize(stored.size());
        return header;
    }

    private static MailFault refused(Address user, String code, String reason) {
        LOG.info("Refused a request from {}: {}: {}", user, code, LogSafe.text(reason));
        return FaultCodes.fault(code, reason);
    }

    private static MailFault serverError(String doing, RuntimeException e) {
        LOG.error("Cannot {}", doing, e);
        String storage = StorageTrouble.of(e);
        if (storage != null) {
            return FaultCodes.fault(FaultCodes.SERVER_ERROR, "the server could not " + doing + ": " + storage
                    + "; nothing was changed, try again later");
        }
        return FaultCodes.fault(FaultCodes.SERVER_ERROR, "the server could not " + doing + "; the problem is logged");
    }

    /** A message number that is not in the caller's mailbox. */
    private static final class NoSuchMessage extends Exception {
        private static final long serialVersionUID = 1L;

        NoSuchMessage(long id) {
            super("no message " + id + " in your mailbox");
        }
    }
}
