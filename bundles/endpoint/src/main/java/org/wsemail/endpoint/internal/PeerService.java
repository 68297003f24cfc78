package org.wsemail.endpoint.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Element;
import org.wsemail.api.Address;
import org.wsemail.api.AuthenticationMethod;
import org.wsemail.api.MailMessage;
import org.wsemail.api.MessageFlag;
import org.wsemail.api.plugin.ExtensionException;
import org.wsemail.api.server.DeliveryResult;
import org.wsemail.api.server.LocalMta;
import org.wsemail.api.server.MailDomain;
import org.wsemail.api.server.MessageSigner;
import org.wsemail.api.server.MessageSigner.InvalidSignatureException;
import org.wsemail.api.server.MessageSigner.VerifiedMessage;
import org.wsemail.wire.FaultCodes;
import org.wsemail.wire.MessageCodec;
import org.wsemail.wire.soap.AnyXml;
import org.wsemail.wire.soap.DeliverBatch;
import org.wsemail.wire.soap.DeliverBatchResponse;
import org.wsemail.wire.soap.DeliveryStatus;
import org.wsemail.wire.soap.MailFault;
import org.wsemail.wire.soap.MailPeer;
import org.wsemail.wire.soap.RecipientResult;
import org.wsemail.wire.soap.Refusal;
import org.wsemail.wire.soap.SignedMessage;

/**
 * The peer service: what other servers call to hand over mail. A message is accepted only with a
 * valid signature from a certificate that chains to a trusted root and names the sender's domain;
 * a message whose sender asked for encrypted delivery must have arrived encrypted to this server;
 * then each recipient of this domain gets it through the Local MTA. Called concurrently.
 */
class PeerService implements MailPeer {
    private static final Logger LOG = LoggerFactory.getLogger(PeerService.class);

    /** What a message id may be: visible ASCII, no angle brackets, as in a mail header's msg-id. */
    private static final Pattern MESSAGE_ID = Pattern.compile("[\\x21-\\x3b=\\x3f-\\x7e]{1,250}");
    /** The most messages in one batch, as the peer WSDL's schema says. */
    static final int MAX_BATCH = 100;

    private final MessageSigner signer;
    private final LocalMta localMta;
    private final MailDomain domain;
    private final MessageCodec codec;
    private final Caller caller;
    private final Duration lifetime;
    private final Duration ahead;
    private final Clock clock;
    /** Counts the messages a batch brings beyond the one request counted for it. */
    private final LongConsumer batched;

    /**
     * @param lifetime how long after it was sent a relayed message is accepted
     * @param ahead how far in the future a relayed message may be dated
     * @param batched counts the messages a batch brings beyond the one request counted for it
     */
    PeerService(MessageSigner signer, LocalMta localMta, MailDomain domain, MessageCodec codec, Caller caller,
            Duration lifetime, Duration ahead, Clock clock, LongConsumer batched) {
        this.signer = signer;
        this.localMta = localMta;
        this.domain = domain;
        this.codec = codec;
        this.caller = caller;
        this.lifetime = lifetime;
        this.ahead = ahead;
        this.clock = clock;
        this.batched = batched;
    }

    /**
     * Each parcel as {@link #deliver} takes it, one after the other; a parcel refused gets its fault
     * as its outcome and the others go on.
     */
    @Override
    public List<DeliverBatchResponse.Outcome> deliverBatch(List<DeliverBatch.Parcel> parcels) throws MailFault {
        if (parcels == null || parcels.isEmpty()) {
            throw refused(FaultCodes.BAD_REQUEST, "no message in the batch");
        }
        if (parcels.size() > MAX_BATCH) {
            throw refused(FaultCodes.BAD_REQUEST, "a batch holds at most " + MAX_BATCH + " messages, this one "
                    + parcels.size() + "; none was stored");
        }
        List<DeliverBatchResponse.Outcome> outcomes = new ArrayList<>();
        for (DeliverBatch.Parcel parcel : parcels) {
            DeliverBatchResponse.Outcome outcome = new DeliverBatchResponse.Outcome();
            try {
                outcome.getResult().addAll(deliver(parcel.getSignedMessage(), parcel.getRecipient()));
            } catch (MailFault fault) {
                Refusal refusal = new Refusal();
                refusal.setCode(fault.getFaultInfo().getCode());
                refusal.setMessage(fault.getFaultInfo().getMessage());
                outcome.setRefused(refusal);
            }
            outcomes.add(outcome);
        }
        batched.accept(parcels.size() - 1L);
        return outcomes;
    }

    @Override
    public List<RecipientResult> deliver(SignedMessage signedMessage, List<String> recipientNames) throws MailFault {
        Element element = signedMessage == null ? null : signedMessage.getAny();
        if (element == null) {
            throw refused(FaultCodes.BAD_REQUEST, "no signed message in the request");
        }
        String signedXml = codec.toText(codec.detached(element));
        VerifiedMessage verified;
        try {
            verified = signer.verify(signedXml);
        } catch (InvalidSignatureException e) {
            throw refused(FaultCodes.SIGNATURE_INVALID, e.getMessage());
        }
        MailMessage message = verified.message();
        String senderDomain = message.sender().domain();
        if (!verified.signerDomains().contains(senderDomain)) {
            throw refused(FaultCodes.SIGNATURE_INVALID, "the message from " + message.sender() + " is signed by "
                    + verified.signerSubject() + ", whose certificate does not name " + senderDomain);
        }
        if (!MESSAGE_ID.matcher(message.messageId()).matches()) {
            throw refused(FaultCodes.BAD_REQUEST, "the message id " + LogSafe.text(message.messageId())
                    + " is not up to 250 visible ASCII characters; it was not stored");
        }
        if (!message.messageId().toLowerCase(java.util.Locale.ROOT).endsWith("@" + senderDomain)) {
            throw refused(FaultCodes.BAD_REQUEST, "the message id " + message.messageId() + " does not belong to "
                    + senderDomain + ", whose server signed it; it was not stored");
        }
        Instant now = clock.instant();
        if (message.timestamp().isBefore(now.minus(lifetime))) {
            throw refused(FaultCodes.BAD_REQUEST, "message " + message.messageId() + " was sent at " + message.timestamp()
                    + ", longer ago than the " + lifetime.toHours() + " hours this server accepts relayed mail for;"
                    + " it was not stored");
        }
        if (message.timestamp().isAfter(now.plus(ahead))) {
            throw refused(FaultCodes.BAD_REQUEST, "message " + message.messageId() + " is dated " + message.timestamp()
                    + ", in the future; it was not stored");
        }
        boolean encrypted = caller.arrivedEncrypted();
        if (message.flags().contains(MessageFlag.ENCRYPTED_DELIVERY) && !encrypted) {
            throw refused(FaultCodes.BAD_REQUEST, "the sender asked for encrypted delivery of " + message.messageId()
                    + ", but it arrived unencrypted; it was not stored");
        }
        List<Address> recipients = new ArrayList<>();
        List<RecipientResult> refusedHere = new ArrayList<>();
        for (String name : recipientNames) {
            Address recipient;
            try {
                recipient = Address.parse(name);
            } catch (IllegalArgumentException e) {
                throw refused(FaultCodes.BAD_REQUEST, e.getMessage());
            }
            if (!message.recipients().contains(recipient)) {
                throw refused(FaultCodes.BAD_REQUEST, recipient + " is not a recipient of this message");
            }
            if (domain.isLocal(recipient)) {
                recipients.add(recipient);
            } else {
                refusedHere.add(result(new DeliveryResult(recipient, DeliveryResult.Status.UNKNOWN_RECIPIENT,
                        "this server serves " + domain.name() + " only and does not relay")));
            }
        }
        List<RecipientResult> results = new ArrayList<>(refusedHere);
        for (DeliveryResult result : localMta.deliver(verified.mail(), recipients,
                caller.environment(Address.of("postmaster", senderDomain), AuthenticationMethod.SERVER_CERTIFICATE, false))) {
            results.add(result(result));
        }
        LOG.info("Delivered message {} from {} (signed by {}{}): {}", LogSafe.text(message.messageId()), message.sender(),
                LogSafe.text(verified.signerSubject()), encrypted ? ", encrypted to this server" : "",
                results.stream().map(r -> r.getRecipient() + " " + r.getStatus()).toList());
        return results;
    }

    @Override
    public AnyXml extension(String extensionId, AnyXml request) throws MailFault {
        throw refused(ExtensionException.NOT_AUTHORIZED,
                "extensions are offered to authenticated users; servers may not call them on the peer service");
    }

    private static RecipientResult result(DeliveryResult delivery) {
        RecipientResult result = new RecipientResult();
        result.setRecipient(delivery.recipient().toString());
        result.setStatus(DeliveryStatus.valueOf(delivery.status().name()));
        result.setDetail(delivery.detail());
        return result;
    }

    private static MailFault refused(String code, String reason) {
        LOG.warn("Refused a delivery: {}: {}", code, LogSafe.text(reason));
        return FaultCodes.fault(code, reason);
    }
}
