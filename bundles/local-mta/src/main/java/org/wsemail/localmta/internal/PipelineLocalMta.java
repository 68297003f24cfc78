package org.wsemail.localmta.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsemail.api.Address;
import org.wsemail.api.MailMessage;
import org.wsemail.api.ProcessingEnvironment;
import org.wsemail.api.runtime.DeliveryOutcome;
import org.wsemail.api.runtime.MessagePipeline;
import org.wsemail.api.server.DatabaseManager;
import org.wsemail.api.server.DeliveryResult;
import org.wsemail.api.server.DeliveryResult.Status;
import org.wsemail.api.server.LocalMta;
import org.wsemail.api.server.MailStore;
import org.wsemail.api.server.MailboxFullException;
import org.wsemail.api.server.MessageSigner;
import org.wsemail.api.server.SignedMail;
import org.wsemail.api.server.UnknownUserException;
import org.wsemail.api.server.UserDirectory;

/**
 * Final delivery, per recipient: a recipient who is not a user is reported unknown; a message id
 * delivered to the recipient before is reported delivered and not delivered again (a sender's retry
 * after a lost confirmation, a copy of relayed mail handed back); otherwise the delivery chain runs,
 * and what no plug-in consumed goes into the mailbox. The mailbox keeps the sending server's signed
 * XML as it arrived; if a delivery plug-in changed the message, the stored form is the changed
 * message signed by this server instead, so a reader is never shown a signature that does not match
 * what they read.
 *
 * <p>The delivery log is kept {@code delivery.log.days}, longer than relayed mail is accepted (the
 * peer endpoint's {@code relayed.message.lifetime.hours}), and purged daily.
 */
@Component(service = LocalMta.class, configurationPid = PipelineLocalMta.PID)
@Designate(ocd = PipelineLocalMta.Config.class)
public class PipelineLocalMta implements LocalMta {
    static final String PID = "org.wsemail.localmta";

    private static final Logger LOG = LoggerFactory.getLogger(PipelineLocalMta.class);

    @ObjectClassDefinition(name = "WSEmail Local MTA")
    public @interface Config {
        @AttributeDefinition(name = "Remember deliveries (days)",
                description = "A message id delivered to a recipient is not delivered again for this long")
        int delivery_log_days() default 8;
    }

    private final MessagePipeline pipeline;
    private final MailStore store;
    private final UserDirectory users;
    private final MessageSigner signer;
    private final DeliveryLog log;
    private final ScheduledExecutorService purger;

    @Activate
    public PipelineLocalMta(Config config, @Reference MessagePipeline pipeline, @Reference MailStore store,
            @Reference UserDirectory users, @Reference MessageSigner signer, @Reference DatabaseManager database) {
        this.pipeline = pipeline;
        this.store = store;
        this.users = users;
        this.signer = signer;
        JdbcDeliveryLog jdbc = new JdbcDeliveryLog(database, Clock.systemUTC());
        this.log = jdbc;
        Duration keep = Duration.ofDays(config.delivery_log_days());
        this.purger = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "wsemail-delivery-log-purge");
            thread.setDaemon(true);
            return thread;
        });
        purger.scheduleWithFixedDelay(() -> jdbc.purge(keep), 1, 24 * 60, TimeUnit.MINUTES);
    }

    /** For tests: with a given log, no purging. */
    PipelineLocalMta(MessagePipeline pipeline, MailStore store, UserDirectory users, MessageSigner signer, DeliveryLog log) {
        this.pipeline = pipeline;
        this.store = store;
        this.users = users;
        this.signer = signer;
        this.log = log;
        this.purger = null;
    }

    @Deactivate
    void deactivate() {
        if (purger != null) {
            purger.shutdownNow();
        }
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
            if (log.delivered(message.messageId(), recipient)) {
                LOG.info("Message {} was delivered to {} before; not again", message.messageId(), recipient);
                return new DeliveryResult(recipient, Status.STORED, "delivered before");
            }
            DeliveryOutcome outcome = pipeline.deliver(message, recipient, env.withSignedMessage(mail.signedXml()));
            if (outcome.isRefused()) {
                LOG.info("Message {} for {} refused by plug-in {}: {}", message.messageId(), recipient,
                        outcome.consumedBy().orElseThrow(), outcome.refusalReason().orElseThrow());
                return new DeliveryResult(recipient, Status.UNKNOWN_RECIPIENT, outcome.refusalReason().orElseThrow());
            }
            if (outcome.isConsumed()) {
                log.record(message.messageId(), recipient);
                LOG.info("Message {} for {} delivered by plug-in {} ({})", message.messageId(), recipient,
                        outcome.consumedBy().orElseThrow(), outcome.consumedAs().orElseThrow());
                return new DeliveryResult(recipient, Status.CONSUMED, outcome.consumedBy().orElseThrow()
                        + ": " + outcome.consumedAs().orElseThrow());
            }
            MailMessage changed = outcome.message();
            SignedMail copy = changed.equals(message) ? mail : signer.sign(changed);
            long id = log.storeAndRecord(message.messageId(), recipient, () -> store.store(recipient, copy));
            LOG.debug("Message {} stored for {} as {}", message.messageId(), recipient, id);
            return new DeliveryResult(recipient, Status.STORED, "message " + id);
        } catch (UnknownUserException e) {
            return new DeliveryResult(recipient, Status.UNKNOWN_RECIPIENT, e.getMessage());
        } catch (MailboxFullException e) {
            LOG.warn("Refused message {} for {}: {}", message.messageId(), recipient, e.getMessage());
            return new DeliveryResult(recipient, Status.UNKNOWN_RECIPIENT, e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("Cannot deliver message {} to {}", message.messageId(), recipient, e);
            return new DeliveryResult(recipient, Status.FAILED, "the receiving server could not store it; it will be retried");
        }
    }
}
