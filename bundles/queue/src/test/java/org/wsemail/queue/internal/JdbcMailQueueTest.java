package org.wsemail.queue.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameters;
import org.wsemail.api.Address;
import org.wsemail.api.MailMessage;
import org.wsemail.api.server.DatabaseManager;
import org.wsemail.api.server.DeliveryResult;
import org.wsemail.api.server.DeliveryResult.Status;
import org.wsemail.api.server.DomainResolver.ServerEndpoint;
import org.wsemail.api.server.PeerTransport;
import org.wsemail.api.server.QueueEntry;
import org.wsemail.api.server.SignedMail;
import org.wsemail.db.internal.PooledDatabaseManager;
import org.wsemail.testing.Configs;
import org.wsemail.testing.SrvOnlyResolver;
import org.wsemail.testing.TestDatabase;
import org.wsemail.testing.MovableClock;
import org.wsemail.testing.RecordingSigner;

/**
 * The queue on a real Derby database, with a clock the test moves, and the Local MTA, DNS and peer
 * servers replaced by in-memory stand-ins that record what reached them.
 */
@RunWith(Parameterized.class)
public class JdbcMailQueueTest {
    private static final Address ALICE = Address.parse("alice@a.test");
    private static final Address ANNE = Address.parse("anne@a.test");
    private static final Address BOB = Address.parse("bob@b.test");
    private static final Address BETH = Address.parse("beth@b.test");
    private static final Address CARL = Address.parse("carl@c.test");
    private static final List<ServerEndpoint> C_SERVERS = List.of(new ServerEndpoint("mx.c.test", 8181, 10, 0, Duration.ofMinutes(5)));

    @Parameters(name = "{0}")
    public static List<String> kinds() {
        return TestDatabase.KINDS;
    }

    @Rule
    public final TestDatabase db;

    public JdbcMailQueueTest(String kind) {
        this.db = TestDatabase.of(kind);
    }

    private final MovableClock clock = new MovableClock(Instant.parse("2026-11-28T12:00:00Z"));
    private final RecordingSigner signer = new RecordingSigner();
    private final List<String> localDeliveries = new ArrayList<>();
    private final List<MailMessage> localMessages = new ArrayList<>();
    private final List<String> peerCalls = new ArrayList<>();
    private List<ServerEndpoint> bServers;
    private final List<String> downHosts = new ArrayList<>();
    private final List<Address> unknownAtB = new ArrayList<>();
    private PeerTransport peers;
    private JdbcMailQueue queue;
    /** How often the queue read a message back from its signed XML. */
    private final AtomicInteger readsBack = new AtomicInteger();

    @Before
    public void setUp() throws Exception {
        bServers = List.of(new ServerEndpoint("mx1.b.test", 8181, 10, 0, Duration.ofMinutes(5)),
                new ServerEndpoint("mx2.b.test", 8181, 20, 0, Duration.ofMinutes(5)));

        peers = (server, xml, recipients) -> {
            peerCalls.add(server.host() + " " + recipients);
            if (downHosts.contains(server.host())) {
                throw new IOException("http://" + server.host() + ":8181/wsemail/peer: connection refused");
            }
            return recipients.stream().map(r -> unknownAtB.contains(r)
                    ? new DeliveryResult(r, Status.UNKNOWN_RECIPIENT, "no such user: " + r)
                    : new DeliveryResult(r, Status.STORED, "message 1")).toList();
        };
        queue = queue(peers, null);
    }

    /** A queue on the test's database, delivering on {@code deliveries} (null: on the caller's thread). */
    private JdbcMailQueue queue(PeerTransport peerServers, ExecutorService deliveries) throws SQLException {
        return queue(peerServers, deliveries, "node-1");
    }

    /** The queue as the node of that name sees it. */
    private JdbcMailQueue queue(PeerTransport peerServers, ExecutorService deliveries, String node) throws SQLException {
        return queue(peerServers, deliveries, node, db.dataSource());
    }

    /** The queue as the node of that name sees it, on that database. */
    private JdbcMailQueue queue(PeerTransport peerServers, ExecutorService deliveries, String node, DataSource database)
            throws SQLException {
        return queue(peerServers, deliveries, node, new PooledDatabaseManager(database));
    }

    /** The queue as the node of that name sees it, through that Database Manager. */
    private JdbcMailQueue queue(PeerTransport peerServers, ExecutorService deliveries, String node, DatabaseManager database) {
        JdbcMailQueue.Config config = Configs.of(JdbcMailQueue.Config.class).with("first_retry_seconds", 300L)
                .with("max_retry_seconds", 4000L).with("lifetime_seconds", 86_400L).with("lease_seconds", 60L).build();
        return new JdbcMailQueue(config, database, () -> "a.test",
                (mail, recipients, env) -> {
                    recipients.forEach(r -> localDeliveries.add(r + " <- " + mail.message().subject()));
                    localMessages.add(mail.message());
                    return recipients.stream().map(r -> new DeliveryResult(r, Status.STORED, "message 1")).toList();
                },
                signer, xml -> {
                    readsBack.incrementAndGet();
                    return signer.read(xml);
                }, new SrvOnlyResolver(domain -> {
                    if (domain.equals("internal.test")) {
                        throw new IllegalStateException("the servers of internal.test are at internal addresses: mx.internal.test"
                                + " (10.0.0.7); this server delivers only to public addresses");
                    }
                    return domain.equals("b.test") ? bServers : domain.equals("c.test") ? C_SERVERS : List.of();
                }), peerServers, clock, null,
                deliveries, node);
    }

    @Test
    public void aMessageDeliveredHereTheMomentItsEntryIsStoredIsNotReadBackFromItsXml() throws Exception {
        // A delivery thread may claim an entry as soon as its transaction commits: here one does, on
        // the queuing thread itself, before enqueue returns.
        java.util.concurrent.atomic.AtomicReference<Runnable> afterNextTransaction = new java.util.concurrent.atomic.AtomicReference<>();
        DatabaseManager real = new PooledDatabaseManager(db.dataSource());
        DatabaseManager claimingAtOnce = new DatabaseManager() {
            @Override
            public DataSource dataSource() {
                return real.dataSource();
            }

            @Override
            public Status status() {
                return real.status();
            }

            @Override
            public int migrate(Schema schema) throws SQLException {
                return real.migrate(schema);
            }

            @Override
            public <T> T inTransaction(Work<T> work) throws SQLException {
                T result = real.inTransaction(work);
                Runnable then = afterNextTransaction.getAndSet(null);
                if (then != null) {
                    then.run();
                }
                return result;
            }
        };
        JdbcMailQueue claiming = queue(peers, null, "node-1", claimingAtOnce);
        afterNextTransaction.set(claiming::runDue);

        claiming.enqueue(signer.sign(send("Claimed at once", ALICE, ANNE)));

        assertEquals(List.of(ANNE + " <- Claimed at once"), localDeliveries);
        assertEquals("the message was handed over as it was queued, not parsed again", 0, readsBack.get());
        assertTrue(claiming.entries().isEmpty());
    }

    @Test
    public void twoNodesSharingTheQueueDeliverEachEntryOnceBetweenThem() throws Exception {
        Map<String, String> deliveredBy = new java.util.concurrent.ConcurrentHashMap<>();
        List<String> twice = Collections.synchronizedList(new ArrayList<>());
        List<JdbcMailQueue> nodes = new ArrayList<>();
        List<ExecutorService> pools = new ArrayList<>();
        for (String node : List.of("node-1", "node-2")) {
            ExecutorService pool = DeliveryWorker.deliveryThreads(3);
            pools.add(pool);
            nodes.add(queue((server, xml, recipients) -> {
                String subject = signer.read(xml).subject();
                if (deliveredBy.putIfAbsent(subject, node) != null) {
                    twice.add(subject + " by " + deliveredBy.get(subject) + " and " + node);
                }
                return recipients.stream().map(r -> new DeliveryResult(r, Status.STORED, "message 1")).toList();
            }, pool, node));
        }
        try {
            int messages = 300;
            for (int i = 0; i < messages; i++) {
                nodes.get(i % 2).enqueue(signer.sign(send("Shared " + i, ALICE, BOB)));
            }
            // Both nodes' workers run at once, each claiming batches until nothing is due.
            ExecutorService workers = Executors.newFixedThreadPool(2);
            try {
                List<java.util.concurrent.Future<?>> runs = new ArrayList<>();
                for (JdbcMailQueue node : nodes) {
                    runs.add(workers.submit(node::runDue));
                }
                for (java.util.concurrent.Future<?> run : runs) {
                    run.get(120, TimeUnit.SECONDS);
                }
            } finally {
                workers.shutdownNow();
            }
            assertEquals("none delivered twice", List.of(), twice);
            assertEquals("every one delivered", messages, deliveredBy.size());
            assertTrue("the queue is empty", nodes.get(0).entries().isEmpty());
        } finally {
            pools.forEach(ExecutorService::shutdownNow);
        }
    }

    @Test
    public void groupsOfAnySizeAreReadAndRemovedExactlyThroughRoundedInLists() throws Exception {
        assertEquals(List.of(1, 2, 4, 4, 8, 8, 16, 1024), List.of(QueueEntries.slots(1), QueueEntries.slots(2),
                QueueEntries.slots(3), QueueEntries.slots(4), QueueEntries.slots(5), QueueEntries.slots(8),
                QueueEntries.slots(9), QueueEntries.slots(1000)));
        QueueEntries entries = new QueueEntries(new PooledDatabaseManager(db.dataSource()), clock,
                Duration.ofDays(1), "node-1", Duration.ofSeconds(60));
        List<Long> ids = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            ids.addAll(enqueue(send("Rounded " + i, ALICE, BOB)));
        }
        assertEquals(5, ids.size());
        List<Long> three = List.of(ids.get(4), ids.get(0), ids.get(2));
        assertEquals("read in the order asked, each once", three,
                entries.entries(three).stream().map(QueueEntries.Entry::id).toList());
        assertEquals(3, entries.deleteAll(three));
        assertEquals(List.of(ids.get(1), ids.get(3)), entries.entries(ids).stream().map(QueueEntries.Entry::id).toList());
        assertEquals(2, entries.deleteAll(ids));
        assertTrue(entries.entries(ids).isEmpty());
    }

    @Test
    public void whatANodeHeldWhenItDiedIsDeliveredByAnotherAfterItsLeaseAndNotBefore() throws Exception {
        JdbcMailQueue second = queue(peers, null, "node-2");
        enqueue(send("Held", ALICE, BOB));
        // node-1 claims the entry, then dies before delivering it (no settlement, no renewals).
        QueueEntries firstNodesEntries = new QueueEntries(new PooledDatabaseManager(db.dataSource()), clock,
                Duration.ofDays(1), "node-1", Duration.ofSeconds(60));
        List<Long> claimed = firstNodesEntries.claim(10).stream().map(QueueEntries.Claim::id).toList();
        assertEquals(1, claimed.size());
        assertEquals(Map.of("node-1", 1), second.heldByNode());

        second.runDue();
        assertEquals("held by the first node's lease", List.of(), peerCalls);

        clock.advance(Duration.ofSeconds(40));
        assertEquals("a claim the node is not working on is not renewed", 0, firstNodesEntries.renewClaims(List.of()));
        assertEquals("a living node renews its lease", 1, firstNodesEntries.renewClaims(claimed));
        clock.advance(Duration.ofSeconds(40));
        second.runDue();
        assertEquals("still held: the lease was renewed", List.of(), peerCalls);

        clock.advance(Duration.ofSeconds(61));
        second.runDue();
        assertEquals("taken up once the lease ran out", List.of("mx1.b.test [bob@b.test]"), peerCalls);
        assertTrue(second.entries().isEmpty());
        assertEquals(0, firstNodesEntries.renewClaims(claimed));
    }

    @Test
    public void aNodeStartingAgainTakesUpAtOnceWhatItHeldWhenItDied() throws Exception {
        enqueue(send("Held before the crash", ALICE, BOB));
        QueueEntries beforeCrash = new QueueEntries(new PooledDatabaseManager(db.dataSource()), clock,
                Duration.ofDays(1), "node-1", Duration.ofSeconds(60));
        assertEquals(1, beforeCrash.claim(10).size());
        queue.runDue();
        assertEquals("held by its lease", List.of(), peerCalls);

        QueueEntries restarted = new QueueEntries(new PooledDatabaseManager(db.dataSource()), clock,
                Duration.ofDays(1), "node-1", Duration.ofSeconds(60));
        assertEquals(1, restarted.releaseEarlierClaims());
        queue.runDue();
        assertEquals("delivered without waiting for the lease", List.of("mx1.b.test [bob@b.test]"), peerCalls);
    }

    @Test
    public void mailForADomainWithoutWsemailServersGoesToTheSmtpGatewayWhileItIsInstalled() {
        Address carol = Address.parse("carol@legacy.test");
        Address dave = Address.parse("dave@legacy.test");
        Address eve = Address.parse("eve@legacy.test");
        List<String> handed = new ArrayList<>();
        queue.internetMail = (domain, mail, recipients) -> {
            handed.add(domain + " " + mail.message().subject() + " " + recipients);
            return List.of(new DeliveryResult(carol, Status.CONSUMED, "accepted by mx.legacy.test"),
                    new DeliveryResult(dave, Status.FAILED, "451 try again later"),
                    new DeliveryResult(eve, Status.UNKNOWN_RECIPIENT, "550 no such user"));
        };
        enqueue(send("To the Internet", ALICE, carol, dave, eve));

        queue.runDue();

        assertEquals(List.of("legacy.test To the Internet [carol@legacy.test, dave@legacy.test, eve@legacy.test]"), handed);
        assertEquals("only the recipient refused for now waits for a retry", List.of(List.of(dave)),
                queue.entries().stream().filter(e -> e.domain().equals("legacy.test")).map(QueueEntry::recipients).toList());
        queue.runDue();
        assertEquals("the permanent refusal is bounced to the sender", 1, localMessages.size());
        assertTrue(localMessages.get(0).body(), localMessages.get(0).body().contains("550 no such user"));

        queue.internetMail = null;
        enqueue(send("Gateway gone", ALICE, carol));
        queue.runDue();
        queue.runDue();
        assertEquals("without the gateway such mail is bounced", 2, localMessages.size());
        assertTrue(localMessages.get(1).body(), localMessages.get(1).body().contains("publishes no WSEmail server"));
    }

    private MailMessage send(String subject, Address from, Address... to) {
        return MailMessage.builder().sender(from).recipients(List.of(to)).subject(subject).timestamp(clock.instant()).build();
    }

    private List<Long> enqueue(MailMessage message) {
        return queue.enqueue(signer.sign(message));
    }

    @Test
    public void splitsByDomainAndDeliversLocallyAndToThePeer() {
        List<Long> ids = enqueue(send("Hi", ALICE, ANNE, BOB, BETH));
        assertEquals("one entry per destination domain", 2, ids.size());
        assertEquals(2, queue.entries().size());

        queue.runDue();

        assertEquals(List.of("anne@a.test <- Hi"), localDeliveries);
        assertEquals(List.of("mx1.b.test [bob@b.test, beth@b.test]"), peerCalls);
        assertTrue("delivered entries leave the queue", queue.entries().isEmpty());
    }

    @Test
    public void aMessageSentAtOnceIsDeliveredOnTheCallersThreadWithItsResultsAndWhatFailedStaysQueued() {
        unknownAtB.add(BETH);
        List<DeliveryResult> results = queue.submitNow(send("Now", ALICE, ANNE, BOB, BETH));
        assertEquals(List.of(new DeliveryResult(ANNE, Status.STORED, "message 1"), new DeliveryResult(BOB, Status.STORED, "message 1"),
                new DeliveryResult(BETH, Status.UNKNOWN_RECIPIENT, "no such user: beth@b.test")), results);
        assertEquals("delivered before the call returned", List.of("anne@a.test <- Now"), localDeliveries);
        assertEquals("nothing left but the bounce for beth", List.of(List.of(ALICE)),
                queue.entries().stream().map(QueueEntry::recipients).toList());
        queue.runDue();

        downHosts.addAll(List.of("mx1.b.test", "mx2.b.test"));
        List<DeliveryResult> pending = queue.submitNow(send("Later", ALICE, BOB));
        assertEquals(Status.FAILED, pending.get(0).status());
        assertEquals("it stays queued for the worker", List.of(List.of(BOB)),
                queue.entries().stream().map(QueueEntry::recipients).toList());
        peerCalls.clear();
        downHosts.clear();
        clock.advance(Duration.ofMinutes(6));
        queue.runDue();
        assertEquals("retried once, by the worker", List.of("mx1.b.test [bob@b.test]"), peerCalls);
        assertTrue(queue.entries().isEmpty());
    }

    @Test
    public void theWorkerLeavesAMessageBeingDeliveredAtOnceToItsCaller() {
        // The caller's delivery is on its way (the peer answers later); meanwhile the worker runs.
        List<DeliveryResult> during = new ArrayList<>();
        JdbcMailQueue[] self = new JdbcMailQueue[1];
        peers = (server, xml, recipients) -> {
            self[0].runDue();
            during.addAll(recipients.stream().map(r -> new DeliveryResult(r, Status.STORED, "message 1")).toList());
            return List.copyOf(during);
        };
        try {
            self[0] = queue(peers, null);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        self[0].submitNow(send("Once", ALICE, BOB));
        assertEquals("delivered once: the worker's run found nothing due", 1, during.size());
    }

    @Test
    public void deliveriesRunSeveralAtOnceAndOneRunEmptiesABacklogLongerThanABatch() throws Exception {
        int threads = 3;
        CyclicBarrier together = new CyclicBarrier(threads);
        AtomicInteger calls = new AtomicInteger();
        List<String> delivered = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = DeliveryWorker.deliveryThreads(threads);
        try {
            JdbcMailQueue parallel = queue((server, xml, recipients) -> {
                // The first deliveries wait for each other: they get through only if they run at once.
                if (calls.incrementAndGet() <= threads) {
                    try {
                        together.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
                        throw new IOException("the deliveries did not run at the same time");
                    }
                }
                delivered.add(recipients.toString());
                return recipients.stream().map(r -> new DeliveryResult(r, Status.STORED, "message 1")).toList();
            }, pool);
            for (int i = 0; i < 120; i++) {
                MailMessage message = send("Backlog " + i, ALICE, BOB);
                parallel.enqueue(signer.sign(message));
            }

            parallel.runDue();

            assertEquals(120, delivered.size());
            assertTrue("all delivered, none waiting for a retry", parallel.entries().isEmpty());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    public void aDomainWhoseServerIsSlowHoldsUpOnlyItsOwnMail() throws Exception {
        CountDownLatch slowServerAnswers = new CountDownLatch(1);
        AtomicInteger deliveredToB = new AtomicInteger();
        ExecutorService pool = DeliveryWorker.deliveryThreads(3);
        ExecutorService runner = Executors.newSingleThreadExecutor();
        try {
            JdbcMailQueue slowAndFast = queue((server, xml, recipients) -> {
                if (server.host().equals("mx.c.test")) {
                    // c.test's server takes its time: it answers when the test lets it.
                    try {
                        if (!slowServerAnswers.await(60, TimeUnit.SECONDS)) {
                            throw new IOException("mx.c.test: no answer");
                        }
                    } catch (InterruptedException e) {
                        throw new IOException("interrupted", e);
                    }
                } else {
                    deliveredToB.incrementAndGet();
                }
                return recipients.stream().map(r -> new DeliveryResult(r, Status.STORED, "message 1")).toList();
            }, pool);
            // One message for c.test first, then more for b.test than one batch holds.
            slowAndFast.enqueue(signer.sign(send("For the slow domain", ALICE, CARL)));
            int forB = DeliveryWorker.BATCH + 30;
            for (int i = 0; i < forB; i++) {
                slowAndFast.enqueue(signer.sign(send("For b " + i, ALICE, BOB)));
            }

            java.util.concurrent.Future<?> run = runner.submit(slowAndFast::runDue);

            // Until b.test's entries are delivered and settled, or long after they would have been.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (slowAndFast.entries().size() > 1 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals("only c.test's message still queued while its server has not answered", List.of(List.of(CARL)),
                    slowAndFast.entries().stream().map(QueueEntry::recipients).toList());
            assertEquals("every message for b.test delivered", forB, deliveredToB.get());
            slowServerAnswers.countDown();
            run.get(30, TimeUnit.SECONDS);
            assertTrue("c.test's message delivered once its server answered", slowAndFast.entries().isEmpty());
        } finally {
            slowServerAnswers.countDown();
            runner.shutdownNow();
            pool.shutdownNow();
        }
    }

    /**
     * A peer that takes messages in groups only, noting each group's size: the outcome of each
     * message is {@code outcome} of its place in the group and its parcel.
     */
    private static PeerTransport groupsOnly(List<Integer> sizes,
            java.util.function.BiFunction<Integer, PeerTransport.Parcel, List<DeliveryResult>> outcome) {
        return new PeerTransport() {
            @Override
            public List<DeliveryResult> deliver(ServerEndpoint target, String signedXml, List<Address> recipients) {
                throw new AssertionError("a backlog is handed over in groups");
            }

            @Override
            public List<List<DeliveryResult>> deliverAll(ServerEndpoint target, List<Parcel> parcels) {
                sizes.add(parcels.size());
                List<List<DeliveryResult>> outcomes = new ArrayList<>();
                for (int i = 0; i < parcels.size(); i++) {
                    outcomes.add(outcome.apply(i, parcels.get(i)));
                }
                return outcomes;
            }
        };
    }

    @Test
    public void aBacklogForADomainGoesToItsServerInGroupsAndEachMessageIsSettledOnItsOwn() throws Exception {
        List<Integer> groups = new ArrayList<>();
        // The server refuses the third message of each group as a whole.
        JdbcMailQueue grouping = queue(groupsOnly(groups, (i, parcel) -> DeliveryResult.all(parcel.recipients(),
                i == 2 ? Status.UNKNOWN_RECIPIENT : Status.STORED, i == 2 ? "refused by mx1.b.test: BadRequest: no" : "message " + i)),
                null);
        for (int i = 0; i < 45; i++) {
            grouping.enqueue(signer.sign(send("Backlog " + i, ALICE, BOB)));
        }
        grouping.enqueue(signer.sign(send("Local", ALICE, ANNE)));

        grouping.runDue();

        assertEquals(List.of(20, 20, 5), groups);
        assertEquals("local mail is delivered on its own", List.of("anne@a.test <- Local"), localDeliveries);
        grouping.runDue();
        assertEquals("each refused message bounced, the others delivered", List.of("Local",
                "Undelivered mail: Backlog 2", "Undelivered mail: Backlog 22", "Undelivered mail: Backlog 42"),
                localMessages.stream().map(MailMessage::subject).toList());
        assertTrue("each message settled", grouping.entries().isEmpty());
    }

    @Test
    public void ofAGroupWhatWasDeliveredLeavesTheQueueAndWhatFailedStaysForItsRetry() throws Exception {
        // The server could not store the second message of the group this time.
        JdbcMailQueue grouping = queue(groupsOnly(new ArrayList<>(), (i, parcel) -> DeliveryResult.all(parcel.recipients(),
                i == 1 ? Status.FAILED : Status.STORED, i == 1 ? "mx1.b.test: its disk is full" : "message " + i)), null);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            SignedMail mail = signer.sign(send("Group " + i, ALICE, BOB));
            ids.add(mail.messageId());
            grouping.enqueue(mail);
        }

        grouping.runDue();

        List<QueueEntry> left = grouping.entries();
        assertEquals(left.toString(), List.of(ids.get(1)), left.stream().map(QueueEntry::messageId).toList());
        assertEquals(1, left.get(0).attempts());
        assertEquals("mx1.b.test: its disk is full", left.get(0).lastError());
    }

    @Test
    public void aBounceIsSentOnceEvenIfTheDatabaseFailsAsItsGroupIsSettled() throws Exception {
        // The server refuses one message for good and stores the other.
        JdbcMailQueue grouping = queue(groupsOnly(new ArrayList<>(), (i, parcel) -> signer.read(parcel.signedXml()).subject().equals("Refused")
                ? DeliveryResult.all(parcel.recipients(), Status.UNKNOWN_RECIPIENT, "no such user: bob@b.test")
                : DeliveryResult.all(parcel.recipients(), Status.STORED, "message " + i)),
                null, "node-1", failingGroupDeletes(db.dataSource()));
        SignedMail refused = signer.sign(send("Refused", ALICE, BOB));
        SignedMail stored = signer.sign(send("Stored", ALICE, BOB));
        grouping.enqueue(refused);
        grouping.enqueue(stored);

        grouping.runDue();
        assertEquals("the delivered message could not leave the queue", List.of(stored.messageId()),
                grouping.entries().stream().filter(e -> e.recipients().equals(List.of(BOB))).map(QueueEntry::messageId).toList());

        clock.advance(Duration.ofSeconds(61));
        grouping.runDue();
        grouping.runDue();
        assertEquals("one bounce, for the refused message only", List.of("Undelivered mail: Refused"),
                localMessages.stream().map(MailMessage::subject).toList());
    }

    /** The test's database, except that deleting several queue entries in one statement fails. */
    private static DataSource failingGroupDeletes(DataSource real) {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(method, real, args);
                    return result instanceof Connection c ? failingGroupDeletes(c) : result;
                });
    }

    private static Connection failingGroupDeletes(Connection real) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("prepareStatement") && args[0] instanceof String sql
                            && sql.startsWith("DELETE FROM queue_entries WHERE id IN")) {
                        throw new SQLException("the disk is full");
                    }
                    return invoke(method, real, args);
                });
    }

    private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Test
    public void aServerThatIsDownIsSkippedForTheNextOne() {
        downHosts.add("mx1.b.test");
        enqueue(send("Hi", ALICE, BOB));
        queue.runDue();
        assertEquals(List.of("mx1.b.test [bob@b.test]", "mx2.b.test [bob@b.test]"), peerCalls);
        assertTrue(queue.entries().isEmpty());
    }

    @Test
    public void whenEveryServerIsDownTheMessageWaitsAndIsRetriedWithDoublingWaits() {
        downHosts.addAll(List.of("mx1.b.test", "mx2.b.test"));
        enqueue(send("Hi", ALICE, BOB));

        queue.runDue();
        QueueEntry waiting = queue.entries().get(0);
        assertEquals(1, waiting.attempts());
        assertEquals(clock.instant().plus(Duration.ofMinutes(5)), waiting.nextAttempt());
        assertEquals("http://mx2.b.test:8181/wsemail/peer: connection refused", waiting.lastError());

        clock.advance(Duration.ofMinutes(4));
        peerCalls.clear();
        queue.runDue();
        assertTrue("not due yet", peerCalls.isEmpty());

        clock.advance(Duration.ofMinutes(1));
        queue.runDue();
        assertEquals(clock.instant().plus(Duration.ofMinutes(10)), queue.entries().get(0).nextAttempt());

        downHosts.clear();
        clock.advance(Duration.ofMinutes(10));
        queue.runDue();
        assertTrue(queue.entries().isEmpty());
        assertTrue("no bounce for a message that got through", localDeliveries.isEmpty());
    }

    @Test
    public void unknownRecipientsAreBouncedToTheSenderAndTheRestDelivered() {
        unknownAtB.add(BETH);
        MailMessage original = send("Plans", ALICE, BOB, BETH);
        enqueue(original);

        queue.runDue();
        queue.runDue();

        assertEquals(List.of("alice@a.test <- Undelivered mail: Plans"), localDeliveries);
        MailMessage bounce = localMessages.get(0);
        assertEquals(Address.parse("postmaster@a.test"), bounce.sender());
        assertTrue(bounce.body(), bounce.body().contains("beth@b.test: no such user: beth@b.test"));
        assertTrue(bounce.body(), bounce.body().contains(original.messageId()));
        assertTrue(queue.entries().isEmpty());
    }

    @Test
    public void aMessageUndeliveredForItsLifetimeIsBounced() {
        downHosts.addAll(List.of("mx1.b.test", "mx2.b.test"));
        enqueue(send("Old news", ALICE, BOB));
        for (int i = 0; i < 40 && !queue.entries().isEmpty() && localDeliveries.isEmpty(); i++) {
            queue.runDue();
            clock.advance(Duration.ofMinutes(67));
        }
        queue.runDue();
        assertEquals(List.of("alice@a.test <- Undelivered mail: Old news"), localDeliveries);
        assertTrue(localMessages.get(0).body(), localMessages.get(0).body().contains("not delivered within 24 hours"));
        assertTrue(queue.entries().isEmpty());
    }

    @Test
    public void aDomainWhoseServersAreInternalBouncesAtOnce() {
        enqueue(send("Probe", ALICE, Address.parse("x@internal.test")));
        queue.runDue();
        queue.runDue();
        assertEquals(List.of("alice@a.test <- Undelivered mail: Probe"), localDeliveries);
        assertTrue(localMessages.get(0).body(), localMessages.get(0).body().contains("mx.internal.test (10.0.0.7); this server"
                + " delivers only to public addresses"));
        assertTrue(queue.entries().isEmpty());
    }

    @Test
    public void aDomainWithoutServersBouncesAtOnceAndBouncesAreNeverBounced() {
        enqueue(send("Hello", ALICE, Address.parse("x@nowhere.test")));
        queue.runDue();
        queue.runDue();
        assertEquals(List.of("alice@a.test <- Undelivered mail: Hello"), localDeliveries);
        assertTrue(localMessages.get(0).body(), localMessages.get(0).body().contains("publishes no WSEmail server"));

        localDeliveries.clear();
        enqueue(send("Notice", Address.parse("postmaster@a.test"), Address.parse("y@nowhere.test")));
        queue.runDue();
        queue.runDue();
        assertTrue("no bounce of a notice", localDeliveries.isEmpty());
        assertTrue(queue.entries().isEmpty());
    }

    @Test
    public void anAdministratorCanRetryOrDropAnEntry() {
        downHosts.addAll(List.of("mx1.b.test", "mx2.b.test"));
        enqueue(send("Hi", ALICE, BOB));
        queue.runDue();
        long id = queue.entries().get(0).id();
        downHosts.clear();

        assertTrue(queue.retryNow(id));
        queue.runDue();
        assertTrue(queue.entries().isEmpty());

        downHosts.addAll(List.of("mx1.b.test", "mx2.b.test"));
        enqueue(send("Again", ALICE, BOB));
        queue.runDue();
        long second = queue.entries().get(0).id();
        assertTrue(queue.delete(second));
        assertTrue(queue.entries().isEmpty());
        assertEquals(false, queue.delete(second));
        assertEquals(false, queue.retryNow(second));
    }

    @Test
    public void anAdministratorCanMakeEveryWaitingEntryDueAtOnce() {
        downHosts.addAll(List.of("mx1.b.test", "mx2.b.test"));
        enqueue(send("One", ALICE, BOB));
        enqueue(send("Two", ALICE, BETH));
        queue.runDue();
        assertEquals("both wait for their retry", 2, queue.entries().size());
        downHosts.clear();
        peerCalls.clear();

        assertEquals(2, queue.retryAllNow());
        queue.runDue();

        assertEquals("both went at once, before their retry was due", 2, peerCalls.size());
        assertTrue(queue.entries().isEmpty());
        assertEquals("nothing is left to make due", 0, queue.retryAllNow());
    }

    @Test
    public void queueingTheSameMessageTwiceKeepsOneEntry() {
        MailMessage message = send("Once", ALICE, BOB);
        List<Long> first = enqueue(message);
        assertEquals(first, enqueue(message));
        assertEquals(1, queue.entries().size());
    }

    /** Another transaction holds the queue table for {@code holdMillis}; the server's statements give up waiting after one second. */
    private Thread holdQueueTable(long holdMillis) throws Exception {
        javax.sql.DataSource other = db.dataSource();
        queue.entries(); // the schema exists
        db.waitForLocksAtMost(java.time.Duration.ofSeconds(1));
        java.util.concurrent.CountDownLatch locked = new java.util.concurrent.CountDownLatch(1);
        Thread holder = new Thread(() -> {
            try (Connection c = other.getConnection(); java.sql.Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                s.execute("LOCK TABLE queue_entries IN EXCLUSIVE MODE");
                locked.countDown();
                Thread.sleep(holdMillis);
                c.commit();
            } catch (SQLException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        holder.start();
        locked.await();
        return holder;
    }

    @Test
    public void aLockConflictIsTriedAgainAndTheMessageIsQueuedOnce() throws Exception {
        Thread holder = holdQueueTable(1500);
        List<Long> ids = enqueue(send("Busy", ALICE, BOB));
        holder.join();
        assertEquals(1, ids.size());
        assertEquals("queued once", 1, queue.entries().size());
    }

    @Test
    public void aLockHeldTooLongFailsTheSendAndStoresNothing() throws Exception {
        Thread holder = holdQueueTable(6500); // longer than four tries of 1 s and their pauses
        try {
            enqueue(send("Busy", ALICE, BOB));
            org.junit.Assert.fail("queued while the table was held");
        } catch (IllegalStateException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("cannot queue message")
                    && expected.getMessage().contains("lock"));
        }
        holder.join();
        assertEquals("nothing stored", 0, queue.entries().size());
    }
}
