package org.wsemail.localmta.internal;

import java.util.ArrayList;
import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsemail.api.Address;
import org.wsemail.api.MailMessage;
import org.wsemail.api.ProcessingEnvironment;
import org.wsemail.api.runtime.DeliveryOutcome;
import org.wsemail.api.runtime.MessagePipeline;
import org.wsemail.api.server.DeliveryResult;
import org.wsemail.api.server.DeliveryResult.Status;
import org.wsemail.api.server.LocalMta;
import org.wsemail.api.server.MailStore;
import org.wsemail.api.server.MessageSigner;
import org.wsemail.api.server.SignedMail;
import org.wsemail.api.server.UnknownUserException;
import org.wsemail.api.server.UserDirectory;

/**
 * Final delivery, per recipient: a recipient who is not a user is reported unknown; otherwise the
 * delivery chain runs, and what no plug-in consumed goes into the mailbox. The mailbox keeps the
 * sending server's signed XML as it arrived; if a delivery plug-in changed the message, the stored
 * form is the changed message signed by this server instead, so a reader is never shown a signature
 * that does not match what they read.
 */
@Component(service = LocalMta.class)
public class PipelineLocalMta implements LocalMta {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineLocalMta.class);

    private final MessagePipeline pipeline;
    private final MailStore store;
    private final UserDirectory users;
    private final MessageSigner signer;

    @Activate
    public PipelineLocalMta(@Reference MessagePipeline pipeline, @Reference MailStore store,
            @Reference UserDirectory users, @Reference MessageSigner signer) {
        this.pipeline = pipeline;
        this.store = store;
        this.users = users;
        this.signer = signer;
    }

    @Override
    public List<DeliveryResult> deliver(SignedMail mail, List<Address> recipients, ProcessingEnvironment env) {
        List<DeliveryResult> results = new ArrayList<>(recipients.size());
        for (Address recipient : recipients) {
            results.add(deliverTo(mail, recipient, env));
        }
        return results;
    }

    private DeliveryResult deliverTo(SignedMail mail, Address recipient, ProcessingEnvironment env) {
        MailMessage message = mail.message();
        if (!users.exists(recipient)) {
            return new DeliveryResult(recipient, Status.UNKNOWN_RECIPIENT, "no such user: " + recipient);
        }
        try {
            DeliveryOutcome outcome = pipeline.deliver(message, recipient, env);
            if (outcome.isConsumed()) {
                LOG.info("Message {} for {} delivered by plug-in {} ({})", message.messageId(), recipient,
                        outcome.consumedBy().orElseThrow(), outcome.consumedAs().orElseThrow());
                return new DeliveryResult(recipient, Status.CONSUMED, outcome.consumedBy().orElseThrow()
                        + ": " + outcome.consumedAs().orElseThrow());
            }
            MailMessage changed = outcome.message();
            long id = store.store(recipient, changed.equals(message) ? mail : signer.sign(changed));
            LOG.debug("Message {} stored for {} as {}", message.messageId(), recipient, id);
            return new DeliveryResult(recipient, Status.STORED, "message " + id);
        } catch (UnknownUserException e) {
            return new DeliveryResult(recipient, Status.UNKNOWN_RECIPIENT, e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("Cannot deliver message {} to {}", message.messageId(), recipient, e);
            return new DeliveryResult(recipient, Status.FAILED, "the receiving server could not store it; it will be retried");
        }
    }
}
