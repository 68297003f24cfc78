package org.wsemail.queue.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsemail.api.Address;
import org.wsemail.api.AuthenticationMethod;
import org.wsemail.api.MailMessage;
import org.wsemail.api.ProcessingEnvironment;
import org.wsemail.api.server.DatabaseManager;
import org.wsemail.api.server.DeliveryResult;
import org.wsemail.api.server.DomainResolver;
import org.wsemail.api.server.InternetMail;
import org.wsemail.api.server.LocalMta;
import org.wsemail.api.server.MailDomain;
import org.wsemail.api.server.MailQueue;
import org.wsemail.api.server.MessageSigner;
import org.wsemail.api.server.PeerTransport;
import org.wsemail.api.server.QueueEntry;
import org.wsemail.api.server.ServerNodes;
import org.wsemail.api.server.SignedMail;
import org.wsemail.wire.MessageCodec;

/**
 * The Message Queue, durable in its table ({@link QueueEntries}): a message is committed there, one
 * entry per destination domain, before its sender hears that it was accepted. The {@link
 * DeliveryWorker} delivers due entries: local ones through the Local MTA, others to the domain's
 * servers ({@link RemoteDelivery}); the {@link Settlement} decides what each attempt's results
 * mean: done, bounced, or tried again later.
 */
@Component(service = MailQueue.class, configurationPid = JdbcMailQueue.PID)
@Designate(ocd = JdbcMailQueue.Config.class)
public class JdbcMailQueue implements MailQueue {
    static final String PID = "org.wsemail.queue";

    private static final Logger LOG = LoggerFactory.getLogger(JdbcMailQueue.class);

    @ObjectClassDefinition(name = "WSEmail message queue", description = "Retries and lifetime of queued mail.")
    public @interface Config {
        @AttributeDefinition(name = "First retry (s)", description = "Wait before the first retry; each later wait doubles")
        long first_retry_seconds() default 300;

        @AttributeDefinition(name = "Longest wait between retries (s)")
        long max_retry_seconds() default 4000;

        @AttributeDefinition(name = "Lifetime (s)", description = "Undelivered after this long, a message is bounced")
        long lifetime_seconds() default 432_000;

        @AttributeDefinition(name = "Poll interval (ms)", description = "How often the worker looks for due entries")
        long poll_interval_ms() default 1000;

        @AttributeDefinition(name = "Delivery threads", description = "How many queue entries are delivered at once")
        int delivery_threads() default 4;

        @AttributeDefinition(name = "Lease (s)", description = "How long a node's claim on a queue entry lasts unless"
                + " renewed; the entries of a node that died are delivered by another after this long. Longer than"
                + " one delivery attempt takes.")
        long lease_seconds() default 300;
    }

    private final MailDomain domain;
    private final LocalMta localMta;
    private final MessageSigner signer;
    /** Reads queued XML, which this server signed or verified, back as the model. */
    private final Function<String, MailMessage> reader;
    private final Clock clock;
    private final Duration lease;
    private final QueueEntries entries;
    private final RemoteDelivery remote;
    private final Settlement settlement;
    private final DeliveryWorker worker;
    /** Renews this node's claims while it lives; null in tests. */
    private ScheduledExecutorService renewals;
    /** Messages for this domain that this node queued lately, for their local delivery. */
    private final RememberedMessages queuedHere;
    private static final int QUEUED_HERE = 1_000;
    /** A remembered message not delivered here after this long gives way to a new one. */
    private static final Duration QUEUED_HERE_STALE = Duration.ofMinutes(2);
    /** The entries this node is delivering now: the claims it renews. */
    private final java.util.Set<Long> delivering = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** The SMTP gateway's way out to Internet mail, while its feature is installed. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile InternetMail internetMail;

    @Activate
    public JdbcMailQueue(Config config, @Reference DatabaseManager database, @Reference MailDomain domain,
            @Reference LocalMta localMta, @Reference MessageSigner signer, @Reference DomainResolver resolver,
            @Reference PeerTransport peers, @Reference ServerNodes nodes) {
        this(config, database, domain, localMta, signer, new MessageCodec()::read, resolver, peers, Clock.systemUTC(),
                DeliveryWorker.workerThread(), DeliveryWorker.deliveryThreads(config.delivery_threads()), nodes.self());
        int released = entries.releaseEarlierClaims();
        if (released > 0) {
            LOG.info("{} queue entries this node held when it last stopped are due again", released);
        }
        worker.start(config.poll_interval_ms());
        long renewEvery = Math.max(1, lease.toMillis() / 3);
        renewals = Executors.newSingleThreadScheduledExecutor(task -> new Thread(task, "wsemail-queue-leases"));
        renewals.scheduleWithFixedDelay(this::renewClaims, renewEvery, renewEvery, TimeUnit.MILLISECONDS);
    }

    /**
     * With a given clock and reader; without a worker thread when {@code workerThread} is null
     * (tests call {@link #runDue()}), delivering on the caller's thread when {@code deliveries} is null.
     */
    JdbcMailQueue(Config config, DatabaseManager database, MailDomain domain, LocalMta localMta, MessageSigner signer,
            Function<String, MailMessage> reader, DomainResolver resolver, PeerTransport peers, Clock clock,
            ScheduledExecutorService workerThread, ExecutorService deliveries, String node) {
        if (config.lease_seconds() < 1) {
            throw new IllegalArgumentException("lease.seconds must be at least 1, not " + config.lease_seconds());
        }
        this.domain = domain;
        this.localMta = localMta;
        this.signer = signer;
        this.reader = reader;
        this.clock = clock;
        this.queuedHere = new RememberedMessages(QUEUED_HERE, QUEUED_HERE_STALE, clock);
        Duration lifetime = Duration.ofSeconds(config.lifetime_seconds());
        this.lease = Duration.ofSeconds(config.lease_seconds());
        this.entries = new QueueEntries(database, clock, lifetime, node, lease);
        this.remote = new RemoteDelivery(resolver, peers, () -> Optional.ofNullable(internetMail), reader);
        this.settlement = new Settlement(entries,
                new Backoff(Duration.ofSeconds(config.first_retry_seconds()), Duration.ofSeconds(config.max_retry_seconds())),
                lifetime, clock, (entry, failures) -> bounce(reader.apply(entry.signedXml()), failures));
        this.worker = new DeliveryWorker(entries, this::deliverGroup, d -> !d.equals(domain.name()), workerThread, deliveries);
    }

    @Deactivate
    void deactivate() {
        worker.stop();
        if (renewals != null) {
            renewals.shutdownNow();
        }
    }

    /** Renews the leases of the entries this node is delivering. Never throws. */
    void renewClaims() {
        try {
            entries.renewClaims(delivering);
        } catch (RuntimeException e) {
            LOG.warn("Could not renew this node's claims on queue entries (the database is out of reach?): {}", e.getMessage());
        }
    }

    @Override
    public List<Long> submit(MailMessage message) {
        return enqueue(signer.sign(message));
    }

    @Override
    public List<DeliveryResult> submitNow(MailMessage message) {
        SignedMail mail = signer.sign(message);
        // Claimed by this node for a lease, as the worker claims: kept from the worker (of any node) until settled.
        List<Long> ids = insertRemembered(mail, () -> entries.insert(mail, lease));
        LOG.debug("Queued message {} as {}, delivering at once", mail.messageId(), ids);
        List<DeliveryResult> results = new ArrayList<>();
        for (long id : ids) {
            results.addAll(deliver(id));
        }
        return results;
    }

    @Override
    public List<Long> enqueue(SignedMail mail) {
        List<Long> ids = insertRemembered(mail, () -> entries.insert(mail));
        LOG.debug("Queued message {} as {}", mail.messageId(), ids);
        worker.wake();
        return ids;
    }

    /**
     * Stores the message's entries with {@code insert}. A message with recipients in this domain is
     * kept for its local delivery (if there is room) before its entries are stored: a delivery
     * thread may claim them the moment they are, before {@code insert} returns.
     */
    private List<Long> insertRemembered(SignedMail mail, java.util.function.Supplier<List<Long>> insert) {
        boolean kept = mail.message().recipients().stream().anyMatch(domain::isLocal) && queuedHere.keep(mail);
        try {
            return insert.get();
        } catch (RuntimeException e) {
            if (kept) {
                queuedHere.forget(mail);
            }
            throw e;
        }
    }

    @Override
    public void bounce(MailMessage original, List<DeliveryResult> failures) {
        if (Bounces.isFromPostmaster(original)) {
            LOG.warn("Message {} from {} is undeliverable to {}; it is itself a notice, so no bounce is sent",
                    original.messageId(), original.sender(), failures);
            return;
        }
        submit(Bounces.bounce(original, failures, domain.postmaster(), clock.instant()));
        LOG.info("Bounced message {} to {} for {}", original.messageId(), original.sender(),
                failures.stream().map(DeliveryResult::recipient).toList());
    }

    @Override
    public List<QueueEntry> entries() {
        return entries.list();
    }

    @Override
    public Map<String, Integer> heldByNode() {
        return entries.heldByNode();
    }

    @Override
    public boolean retryNow(long entryId) {
        boolean found = entries.makeDue(entryId);
        if (found) {
            worker.wake();
        }
        return found;
    }

    @Override
    public int retryAllNow() {
        int due = entries.makeAllDue();
        worker.wake();
        return due;
    }

    @Override
    public boolean delete(long entryId) {
        return entries.delete(entryId);
    }

    /** Delivers every due entry now and waits for those deliveries to end; for tests. */
    void runDue() {
        try {
            if (!worker.runDueAndWait(2, TimeUnit.MINUTES)) {
                throw new IllegalStateException("the queue's deliveries did not end within 2 minutes");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the queue delivered", e);
        }
    }

    /**
     * Delivers one entry, unless it was deleted since it was found due, and settles it; returns the
     * results (none if the entry is gone).
     */
    private List<DeliveryResult> deliver(long id) {
        return deliverGroup(List.of(id)).getOrDefault(id, List.of());
    }

    /**
     * Delivers entries for one domain (those not deleted since they were found due) and settles each;
     * returns the results of each entry delivered.
     */
    private Map<Long, List<DeliveryResult>> deliverGroup(List<Long> ids) {
        delivering.addAll(ids);
        try {
            List<QueueEntries.Entry> group = entries.entries(ids);
            if (group.isEmpty()) {
                return Map.of();
            }
            List<List<DeliveryResult>> outcomes;
            try {
                outcomes = group.get(0).domain().equals(domain.name())
                        ? group.stream().map(this::deliverLocally).toList() : remote.deliver(group);
            } catch (RuntimeException e) {
                LOG.error("Queue entries {} (messages {}) failed unexpectedly; they stay queued",
                        group.stream().map(QueueEntries.Entry::id).toList(),
                        group.stream().map(QueueEntries.Entry::messageId).toList(), e);
                String reason = "internal error: " + e.getMessage();
                outcomes = group.stream().map(entry -> RemoteDelivery.all(entry, DeliveryResult.Status.FAILED,
                        reason + "; it will be retried")).toList();
            }
            settlement.settleAll(group, outcomes);
            Map<Long, List<DeliveryResult>> results = new java.util.LinkedHashMap<>();
            for (int i = 0; i < group.size(); i++) {
                results.put(group.get(i).id(), outcomes.get(i));
            }
            return results;
        } finally {
            delivering.removeAll(ids);
        }
    }

    private List<DeliveryResult> deliverLocally(QueueEntries.Entry entry) {
        SignedMail queued = queuedHere.take(entry.messageId());
        MailMessage message = queued != null && queued.signedXml().equals(entry.signedXml())
                ? queued.message() : reader.apply(entry.signedXml());
        return localMta.deliver(new SignedMail(message, entry.signedXml()), entry.recipients(), environment(message.sender()));
    }

    private ProcessingEnvironment environment(Address sender) {
        AuthenticationMethod method = Bounces.isPostmaster(sender) ? AuthenticationMethod.INTERNAL : AuthenticationMethod.USERNAME_TOKEN;
        return ProcessingEnvironment.of(sender, method, domain.isLocal(sender));
    }
}
