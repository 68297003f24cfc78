package org.wsemail.queue.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

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
import org.wsemail.api.AuthenticationMethod;
import org.wsemail.api.MailMessage;
import org.wsemail.api.ProcessingEnvironment;
import org.wsemail.api.server.DatabaseManager;
import org.wsemail.api.server.DeliveryResult;
import org.wsemail.api.server.DeliveryResult.Status;
import org.wsemail.api.server.DomainResolver;
import org.wsemail.api.server.DomainResolver.ServerEndpoint;
import org.wsemail.api.server.LocalMta;
import org.wsemail.api.server.MailDomain;
import org.wsemail.api.server.MailQueue;
import org.wsemail.api.server.MessageSigner;
import org.wsemail.api.server.PeerTransport;
import org.wsemail.api.server.QueueEntry;

/**
 * The Message Queue, durable in the {@code queue_entries} table: one entry per message and
 * destination domain, committed before the sender hears that the message was accepted.
 *
 * <p>A worker thread takes due entries in batches and hands each batch to a pool of delivery
 * threads (several deliveries wait on other servers at once): local entries go to the Local MTA,
 * remote ones to the domain's servers in SRV order, each tried in turn. Recipients a server
 * reports unknown, and everything still undelivered when the entry expires, go back to the sender
 * in a bounce. What failed for now
 * is tried again after a backoff that doubles up to a cap.
 */
@Component(service = MailQueue.class, configurationPid = JdbcMailQueue.PID)
@Designate(ocd = JdbcMailQueue.Config.class)
public class JdbcMailQueue implements MailQueue {
    static final String PID = "org.wsemail.queue";

    private static final Logger LOG = LoggerFactory.getLogger(JdbcMailQueue.class);
    private static final String DUPLICATE_KEY = "23505";
    private static final int BATCH = 50;

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
    }

    private final DatabaseManager database;
    private final MailDomain domain;
    private final LocalMta localMta;
    private final MessageSigner signer;
    private final DomainResolver resolver;
    private final PeerTransport peers;
    private final Clock clock;
    private final Backoff backoff;
    private final Duration lifetime;
    private final ScheduledExecutorService worker;
    /** Runs the deliveries of a batch; null to run them on the calling thread. */
    private final ExecutorService deliveries;
    /** A run of the worker is waiting to start: an enqueue need not ask for another. */
    private final AtomicBoolean wakePending = new AtomicBoolean();

    @Activate
    public JdbcMailQueue(Config config, @Reference DatabaseManager database, @Reference MailDomain domain,
            @Reference LocalMta localMta, @Reference MessageSigner signer, @Reference DomainResolver resolver,
            @Reference PeerTransport peers) {
        this(config, database, domain, localMta, signer, resolver, peers, Clock.systemUTC(),
                Executors.newSingleThreadScheduledExecutor(task -> new Thread(task, "wsemail-queue")),
                deliveryThreads(config.delivery_threads()));
        worker.scheduleWithFixedDelay(this::runDue, config.poll_interval_ms(), config.poll_interval_ms(), TimeUnit.MILLISECONDS);
    }

    /**
     * With a given clock; without a worker when {@code worker} is null (tests call {@link #runDue()}),
     * delivering on the caller's thread when {@code deliveries} is null.
     */
    JdbcMailQueue(Config config, DatabaseManager database, MailDomain domain, LocalMta localMta, MessageSigner signer,
            DomainResolver resolver, PeerTransport peers, Clock clock, ScheduledExecutorService worker,
            ExecutorService deliveries) {
        this.database = database;
        this.domain = domain;
        this.localMta = localMta;
        this.signer = signer;
        this.resolver = resolver;
        this.peers = peers;
        this.clock = clock;
        this.backoff = new Backoff(Duration.ofSeconds(config.first_retry_seconds()), Duration.ofSeconds(config.max_retry_seconds()));
        this.lifetime = Duration.ofSeconds(config.lifetime_seconds());
        this.worker = worker;
        this.deliveries = deliveries;
    }

    static ExecutorService deliveryThreads(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("delivery.threads must be at least 1, not " + count);
        }
        AtomicInteger number = new AtomicInteger();
        return Executors.newFixedThreadPool(count, task -> new Thread(task, "wsemail-delivery-" + number.incrementAndGet()));
    }

    @Deactivate
    void deactivate() {
        worker.shutdownNow();
        if (deliveries != null) {
            deliveries.shutdownNow();
        }
    }

    @Override
    public List<Long> enqueue(MailMessage message, String signedXml) {
        Map<String, List<Address>> byDomain = new LinkedHashMap<>();
        for (Address recipient : message.recipients()) {
            byDomain.computeIfAbsent(recipient.domain(), d -> new ArrayList<>()).add(recipient);
        }
        Instant now = clock.instant();
        try {
            // One transaction for all destinations, run again if the database rolls it back for a
            // lock conflict with a concurrent transaction (nothing of it is stored then).
            List<Long> ids = database.inTransaction(c -> {
                List<Long> inserted = new ArrayList<>();
                for (Map.Entry<String, List<Address>> destination : byDomain.entrySet()) {
                    inserted.add(insert(c, message, signedXml, destination.getKey(), destination.getValue(), now));
                }
                return inserted;
            });
            LOG.debug("Queued message {} for {} as {}", message.messageId(), byDomain.keySet(), ids);
            wake();
            return ids;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot queue message " + message.messageId() + ": " + e.getMessage(), e);
        }
    }

    private long insert(Connection c, MailMessage message, String signedXml, String destination, List<Address> recipients,
            Instant now) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO queue_entries (message_id, sender, domain,"
                + " recipients, signed_xml, attempts, next_attempt, expires_at, last_error, created_at)"
                + " VALUES (?, ?, ?, ?, ?, 0, ?, ?, NULL, ?)", Statement.RETURN_GENERATED_KEYS)) {
            insert.setString(1, message.messageId());
            insert.setString(2, message.sender().toString());
            insert.setString(3, destination);
            insert.setString(4, join(recipients));
            insert.setString(5, signedXml);
            insert.setTimestamp(6, Timestamp.from(now));
            insert.setTimestamp(7, Timestamp.from(now.plus(lifetime)));
            insert.setTimestamp(8, Timestamp.from(now));
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        } catch (SQLException e) {
            if (!DUPLICATE_KEY.equals(e.getSQLState())) {
                throw e;
            }
            // Queued before (a retried hand-over): keep the one entry.
            try (PreparedStatement select = c.prepareStatement("SELECT id FROM queue_entries WHERE message_id = ? AND domain = ?")) {
                select.setString(1, message.messageId());
                select.setString(2, destination);
                try (ResultSet rows = select.executeQuery()) {
                    rows.next();
                    return rows.getLong(1);
                }
            }
        }
    }

    private void wake() {
        if (worker != null && !worker.isShutdown() && wakePending.compareAndSet(false, true)) {
            worker.execute(this::runDue);
        }
    }

    /**
     * Delivers every entry that is due, a batch at a time, until a batch comes back short. Runs on
     * the worker thread; never throws. Each entry settled is either gone afterwards or due later,
     * so the batches end; a batch in which one could not be settled ends the run (it is still due,
     * and the next poll tries again).
     */
    synchronized void runDue() {
        wakePending.set(false);
        try {
            List<Long> batch;
            boolean settled;
            do {
                batch = due();
                settled = deliverAll(batch);
            } while (settled && batch.size() == BATCH && !Thread.currentThread().isInterrupted());
        } catch (RuntimeException e) {
            LOG.error("A run of the queue worker failed; the due entries stay queued for the next run", e);
        }
    }

    /** Delivers the entries on the delivery threads; when all are done, whether all were settled. */
    private boolean deliverAll(List<Long> ids) {
        if (deliveries == null) {
            ids.forEach(this::deliver);
            return true;
        }
        boolean settled = true;
        List<Future<?>> running = new ArrayList<>();
        for (long id : ids) {
            running.add(deliveries.submit(() -> deliver(id)));
        }
        for (Future<?> delivery : running) {
            try {
                delivery.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (ExecutionException e) {
                LOG.error("A queue delivery failed and could not be rescheduled; it stays due", e.getCause());
                settled = false;
            }
        }
        return settled;
    }

    /** Delivers one entry, unless it was deleted since it was found due. */
    private void deliver(long id) {
        Entry entry = entry(id);
        if (entry == null) {
            return;
        }
        try {
            process(entry);
        } catch (RuntimeException e) {
            LOG.error("Queue entry {} (message {}) failed unexpectedly; it stays queued", entry.id, entry.messageId, e);
            reschedule(entry, entry.recipients, "internal error: " + e.getMessage());
        }
    }

    private void process(Entry entry) {
        List<DeliveryResult> results;
        String failure = null;
        if (entry.domain.equals(domain.name())) {
            MailMessage message = signer.read(entry.signedXml);
            results = localMta.deliver(message, entry.signedXml, entry.recipients, environment(message.sender()));
        } else {
            results = null;
            List<ServerEndpoint> servers;
            try {
                servers = resolver.resolve(entry.domain);
            } catch (UncheckedIOException e) {
                servers = null;
                failure = e.getMessage();
            }
            if (servers != null && servers.isEmpty()) {
                results = allFinal(entry, Status.UNKNOWN_RECIPIENT,
                        "the domain " + entry.domain + " publishes no WSEmail server (" + DomainResolver.SRV_PREFIX + entry.domain + ")");
            }
            for (ServerEndpoint server : servers == null ? List.<ServerEndpoint>of() : servers) {
                if (results != null) {
                    break;
                }
                try {
                    results = peers.deliver(server, entry.signedXml, entry.recipients);
                } catch (IOException e) {
                    failure = e.getMessage();
                    LOG.info("Delivery of {} to {} failed: {}", entry.messageId, entry.domain, failure);
                } catch (PeerTransport.PeerRefusedException e) {
                    results = allFinal(entry, Status.UNKNOWN_RECIPIENT, "refused by " + server.host() + ": " + e.getMessage());
                }
            }
        }
        if (results == null) {
            results = allFinal(entry, Status.FAILED, failure == null ? "no server answered" : failure);
        }
        settle(entry, results);
    }

    private static List<DeliveryResult> allFinal(Entry entry, Status status, String detail) {
        return entry.recipients.stream().map(r -> new DeliveryResult(r, status, detail)).toList();
    }

    private void settle(Entry entry, List<DeliveryResult> results) {
        List<DeliveryResult> bounced = new ArrayList<>();
        List<Address> pending = new ArrayList<>();
        String lastError = null;
        for (DeliveryResult result : results) {
            if (result.status() == Status.UNKNOWN_RECIPIENT) {
                bounced.add(result);
            } else if (result.status() == Status.FAILED) {
                pending.add(result.recipient());
                lastError = result.detail();
            }
        }
        Instant now = clock.instant();
        if (!pending.isEmpty() && !now.isBefore(entry.expires)) {
            for (DeliveryResult result : results) {
                if (result.status() == Status.FAILED) {
                    bounced.add(new DeliveryResult(result.recipient(), Status.UNKNOWN_RECIPIENT,
                            "not delivered within " + lifetime.toHours() + " hours; last error: " + result.detail()));
                }
            }
            pending.clear();
        }
        if (!bounced.isEmpty()) {
            bounce(entry, bounced);
        }
        if (pending.isEmpty()) {
            delete(entry.id);
        } else {
            reschedule(entry, pending, lastError);
        }
    }

    private void bounce(Entry entry, List<DeliveryResult> failures) {
        MailMessage original = signer.read(entry.signedXml);
        if (Bounces.isFromPostmaster(original)) {
            LOG.warn("Message {} from {} is undeliverable to {}; it is itself a notice, so no bounce is sent",
                    original.messageId(), original.sender(), failures);
            return;
        }
        MailMessage bounce = Bounces.bounce(original, failures, domain.postmaster(), clock.instant());
        enqueue(bounce, signer.sign(bounce));
        LOG.info("Bounced message {} to {} for {}", original.messageId(), original.sender(),
                failures.stream().map(DeliveryResult::recipient).toList());
    }

    private void reschedule(Entry entry, List<Address> pending, String error) {
        int attempts = entry.attempts + 1;
        Instant next = clock.instant().plus(backoff.after(attempts));
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement update = c.prepareStatement("UPDATE queue_entries SET recipients = ?, attempts = ?,"
                        + " next_attempt = ?, last_error = ? WHERE id = ?")) {
            update.setString(1, join(pending));
            update.setInt(2, attempts);
            update.setTimestamp(3, Timestamp.from(next));
            update.setString(4, error == null ? null : error.length() > 2000 ? error.substring(0, 2000) : error);
            update.setLong(5, entry.id);
            update.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reschedule queue entry " + entry.id, e);
        }
    }

    private ProcessingEnvironment environment(Address sender) {
        if (Bounces.isPostmaster(sender)) {
            return ProcessingEnvironment.of(sender, AuthenticationMethod.INTERNAL, domain.isLocal(sender));
        }
        return ProcessingEnvironment.of(sender, AuthenticationMethod.USERNAME_TOKEN, domain.isLocal(sender));
    }

    /** The ids of the next due entries, read from the (next_attempt, id) index alone. */
    private List<Long> due() {
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement select = c.prepareStatement("SELECT id FROM queue_entries WHERE next_attempt <= ?"
                        + " ORDER BY next_attempt, id FETCH FIRST " + BATCH + " ROWS ONLY")) {
            select.setTimestamp(1, Timestamp.from(clock.instant()));
            List<Long> ids = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getLong(1));
                }
            }
            return ids;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the queue", e);
        }
    }

    /** The entry with this id; null if there is none. */
    private Entry entry(long id) {
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement select = c.prepareStatement("SELECT id, message_id, sender, domain, recipients, signed_xml,"
                        + " attempts, next_attempt, expires_at, last_error FROM queue_entries WHERE id = ?")) {
            select.setLong(1, id);
            List<Entry> found = read(select);
            return found.isEmpty() ? null : found.get(0);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read queue entry " + id, e);
        }
    }

    @Override
    public List<QueueEntry> entries() {
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement select = c.prepareStatement("SELECT id, message_id, sender, domain, recipients,"
                        + " CAST(NULL AS CLOB), attempts, next_attempt, expires_at, last_error FROM queue_entries"
                        + " ORDER BY next_attempt, id")) {
            return read(select).stream().map(e -> new QueueEntry(e.id, e.messageId, e.sender, e.domain, e.recipients,
                    e.attempts, e.nextAttempt, e.expires, e.lastError)).toList();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the queue", e);
        }
    }

    @Override
    public boolean retryNow(long entryId) {
        boolean found = update("UPDATE queue_entries SET next_attempt = ? WHERE id = ?", entryId, Timestamp.from(clock.instant()));
        if (found) {
            wake();
        }
        return found;
    }

    @Override
    public boolean delete(long entryId) {
        return update("DELETE FROM queue_entries WHERE id = ?", entryId, null);
    }

    private boolean update(String sql, long id, Timestamp time) {
        try (Connection c = database.dataSource().getConnection(); PreparedStatement statement = c.prepareStatement(sql)) {
            int index = 1;
            if (time != null) {
                statement.setTimestamp(index++, time);
            }
            statement.setLong(index, id);
            return statement.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot change queue entry " + id, e);
        }
    }

    private static List<Entry> read(PreparedStatement select) throws SQLException {
        List<Entry> entries = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                entries.add(new Entry(rows.getLong(1), rows.getString(2), Address.parse(rows.getString(3)), rows.getString(4),
                        split(rows.getString(5)), rows.getString(6), rows.getInt(7), rows.getTimestamp(8).toInstant(),
                        rows.getTimestamp(9).toInstant(), rows.getString(10)));
            }
        }
        return entries;
    }

    private static String join(List<Address> addresses) {
        return addresses.stream().map(Address::toString).collect(Collectors.joining(","));
    }

    private static List<Address> split(String addresses) {
        return Arrays.stream(addresses.split(",")).map(Address::parse).toList();
    }

    /** One row of the queue. */
    private record Entry(long id, String messageId, Address sender, String domain, List<Address> recipients,
            String signedXml, int attempts, Instant nextAttempt, Instant expires, String lastError) {
    }
}
