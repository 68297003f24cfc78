package org.wsemail.mailcontext.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsemail.api.Address;
import org.wsemail.api.AuthenticationMethod;
import org.wsemail.api.MailMessage;
import org.wsemail.api.ProcessingEnvironment;
import org.wsemail.api.plugin.DeliveryReport;
import org.wsemail.api.plugin.MailContext;
import org.wsemail.api.plugin.PluginStore;
import org.wsemail.api.plugin.SubmissionException;
import org.wsemail.api.runtime.MessagePipeline;
import org.wsemail.api.runtime.SendingOutcome;
import org.wsemail.api.server.DeliveryResult;
import org.wsemail.api.server.MailDomain;
import org.wsemail.api.server.MailQueue;
import org.wsemail.api.server.PluginStates;
import org.wsemail.api.server.UserDirectory;

/**
 * The plug-ins' mail context. One instance per plug-in bundle (bundle scope), so that its {@link
 * #store()} is that bundle's, keyed by the bundle's symbolic name: it survives a reinstall.
 */
@Component(service = MailContext.class, scope = ServiceScope.BUNDLE)
public class ServerMailContext implements MailContext {
    private static final Logger LOG = LoggerFactory.getLogger(ServerMailContext.class);

    private final MailDomain domain;
    private final UserDirectory users;
    private final MessagePipeline pipeline;
    private final MailQueue queue;
    private final PluginStore store;
    private final String plugin;

    @Activate
    public ServerMailContext(ComponentContext context, @Reference MailDomain domain, @Reference UserDirectory users,
            @Reference MessagePipeline pipeline, @Reference MailQueue queue, @Reference PluginStates states) {
        this(context.getUsingBundle().getSymbolicName(), domain, users, pipeline, queue, states);
    }

    /** @param plugin the symbolic name of the plug-in bundle this context serves */
    ServerMailContext(String plugin, MailDomain domain, UserDirectory users, MessagePipeline pipeline, MailQueue queue,
            PluginStates states) {
        this.domain = domain;
        this.users = users;
        this.pipeline = pipeline;
        this.queue = queue;
        this.plugin = plugin;
        this.store = states.forPlugin(this.plugin);
    }

    @Override
    public String domain() {
        return domain.name();
    }

    @Override
    public Address postmaster() {
        return domain.postmaster();
    }

    @Override
    public boolean isLocal(Address address) {
        return domain.isLocal(address);
    }

    @Override
    public boolean isLocalUser(Address address) {
        return domain.isLocal(address) && users.exists(address);
    }

    @Override
    public String submit(MailMessage message) throws SubmissionException {
        if (!domain.isLocal(message.sender())) {
            throw new IllegalArgumentException("a plug-in sends only as an address of " + domain.name() + ", not as "
                    + message.sender());
        }
        MailMessage toQueue = named(message);
        if (!toQueue.sender().equals(domain.postmaster())) {
            toQueue = throughSendingChain(toQueue, ProcessingEnvironment.of(toQueue.sender(), AuthenticationMethod.INTERNAL, true));
        }
        queue.submit(toQueue);
        LOG.info("Plug-in {} sent message {} from {} to {}", plugin, toQueue.messageId(), toQueue.sender(),
                toQueue.recipients());
        return toQueue.messageId();
    }

    @Override
    public List<DeliveryReport> submitNow(MailMessage message, ProcessingEnvironment sender) throws SubmissionException {
        if (!message.sender().equals(sender.caller())) {
            throw new IllegalArgumentException("the message is from " + message.sender() + ", but the request from " + sender.caller());
        }
        if (!domain.isLocal(message.sender())) {
            List<Address> beyond = message.recipients().stream().filter(r -> !domain.isLocal(r)).toList();
            if (sender.authentication() != AuthenticationMethod.FEDERATED_TOKEN || !beyond.isEmpty()) {
                throw new IllegalArgumentException("a visitor from " + message.sender().domain() + " may send only to users of "
                        + domain.name() + (beyond.isEmpty() ? "" : ", not to " + beyond));
            }
        }
        MailMessage toSend = throughSendingChain(named(message), sender);
        Map<Address, DeliveryReport> reports = new HashMap<>();
        for (DeliveryResult result : queue.submitNow(toSend)) {
            reports.put(result.recipient(), report(result));
        }
        LOG.info("Plug-in {} sent message {} from {} at once: {}", plugin, toSend.messageId(), toSend.sender(), reports.values());
        return toSend.recipients().stream().map(r -> reports.getOrDefault(r,
                new DeliveryReport(r, DeliveryReport.Outcome.PENDING, "queued"))).toList();
    }

    private static DeliveryReport report(DeliveryResult result) {
        DeliveryReport.Outcome outcome = switch (result.status()) {
            case STORED -> DeliveryReport.Outcome.STORED;
            case CONSUMED -> DeliveryReport.Outcome.CONSUMED;
            case UNKNOWN_RECIPIENT -> DeliveryReport.Outcome.REFUSED;
            case FAILED -> DeliveryReport.Outcome.PENDING;
        };
        return new DeliveryReport(result.recipient(), outcome, result.detail());
    }

    /** The message under a fresh id of this domain, stamped with the time. */
    private MailMessage named(MailMessage message) {
        return message.toBuilder().messageId(UUID.randomUUID() + "@" + domain.name()).timestamp(java.time.Instant.now()).build();
    }

    /** The message as the sending plug-ins leave it, which may not change who sends it or what it is called. */
    private MailMessage throughSendingChain(MailMessage named, ProcessingEnvironment env) throws SubmissionException {
        SendingOutcome outcome = pipeline.send(named, env);
        if (!outcome.isAccepted()) {
            LOG.info("A message plug-in {} sent from {} was refused by {}: {}", plugin, named.sender(),
                    outcome.rejectedBy().orElseThrow(), outcome.reason().orElseThrow());
            throw new SubmissionException(outcome.rejectedBy().orElseThrow(), outcome.reason().orElseThrow());
        }
        return outcome.message().orElseThrow().toBuilder().sender(named.sender()).messageId(named.messageId()).build();
    }

    @Override
    public void bounce(MailMessage original, Address recipient, String reason) {
        queue.bounce(original, List.of(new DeliveryResult(recipient, DeliveryResult.Status.UNKNOWN_RECIPIENT, reason)));
    }

    @Override
    public PluginStore store() {
        return store;
    }
}
