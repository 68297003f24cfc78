package org.wsemail.itests.e2e;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.wsemail.itests.e2e.ServerProcess.passwordFile;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.TrustAnchor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.wsemail.api.Address;
import org.wsemail.client.WsemailClient;
import org.wsemail.wire.soap.Header;
import org.wsemail.dns.internal.Dnsmasq;
import org.wsemail.itests.SoapRequests;
import org.wsemail.itests.SoapRequests.Reply;
import org.wsemail.itests.SoapRequests.Security;
import org.wsemail.security.Pki;
import org.wsemail.testing.RealPostgres;

/**
 * Two server nodes of one domain, each a real distribution in its own folder and process, sharing
 * one real PostgreSQL database: users, mailboxes and the queue are the same through either node,
 * and a node killed outright (kill -9) under send load loses no message it acknowledged and
 * duplicates none: what it held in the queue is delivered by the other once its lease runs out.
 * Another domain, b.test, exchanges mail with them.
 */
public class SeveralNodesIT {
    private static final Pki.CertifiedKey CA = Pki.createAuthority("Several nodes test CA", Duration.ofDays(1));
    private static final String PASSWORD = "nodes-test-password-1";
    /** The password of a.test's own authority, the same on both nodes, which share its files. */
    private static final String CA_PASSWORD = "nodes-ca-secret-1";
    private static final Address ALICE = Address.parse("alice@a.test");
    private static final Address BOB = Address.parse("bob@a.test");
    /** A user who logs in only while the database is down, so that no node remembers her password. */
    private static final Address DAVE = Address.parse("dave@a.test");
    /** How long a node's claim on a queue entry lasts here (300 s by default). */
    private static final int LEASE_SECONDS = 8;
    /** Rounds of kill -9 under load: a short run in CI; docs/fault-suite.sh runs more. */
    private static final int ROUNDS = Integer.getInteger("wsemail.fault.rounds", 5);

    private static final Address CAROL = Address.parse("carol@b.test");
    /** b.test's clock runs this far ahead of a.test's (and the test's): every exchange with it crosses the gap. */
    private static final Duration B_CLOCK_AHEAD = Duration.ofMinutes(2);

    private static RealPostgres postgres;
    private static Dnsmasq dns;
    private static ServerProcess one;
    private static ServerProcess two;
    /** Another domain, on its own embedded Derby, whose server finds a.test's nodes through SRV records. */
    private static ServerProcess b;

    @BeforeClass
    public static void startNodes() throws Exception {
        Path root = Path.of("target", "e2e-nodes").toAbsolutePath();
        ServerProcess.deleteRecursively(root);
        Files.createDirectories(root);
        postgres = RealPostgres.start(root.resolve("postgres"));
        String database = postgres.createDatabase();
        Path archive = Path.of(System.getProperty("wsemail.assembly"));
        one = node(archive, root, "node-1", "127.0.0.21", 19500, database);
        two = node(archive, root, "node-2", "127.0.0.22", 19600, database);
        b = new ServerProcess(archive, root, "b.test", "127.0.0.23", 19700);
        b.credentials(CA);
        b.clockAhead(B_CLOCK_AHEAD);
        // a.test's two nodes at one priority and equal weights: peers spread their deliveries over both.
        dns = new Dnsmasq(60, List.of("node1.a.test,127.0.0.21", "node2.a.test,127.0.0.22", "mail.b.test,127.0.0.23"),
                "_wsemail._tcp.a.test,node1.a.test," + one.tlsPort + ",10,50",
                "_wsemail._tcp.a.test,node2.a.test," + two.tlsPort + ",10,50",
                "_wsemail._tcp.b.test,mail.b.test," + b.tlsPort + ",10,0");
        for (ServerProcess server : List.of(one, two, b)) {
            server.nameServer(dns.address());
        }
        one.launch();
        b.launch();
        one.awaitReady();
        two.start();
        b.awaitReady();
        one.shell("wsemail:user-add --password-file " + passwordFile(PASSWORD) + " " + ALICE,
                "wsemail:user-add --password-file " + passwordFile(PASSWORD) + " " + BOB,
                "wsemail:user-add --password-file " + passwordFile(PASSWORD) + " " + DAVE);
        b.shell("wsemail:user-add --password-file " + passwordFile(PASSWORD) + " " + CAROL);
    }

    private static ServerProcess node(Path archive, Path root, String name, String ip, int ports, String database)
            throws Exception {
        ServerProcess node = new ServerProcess(archive, root, name, "a.test", ip, ports);
        node.credentials(CA, "ca.password = " + CA_PASSWORD);
        node.write("org.wsemail.db.cfg", "url = " + postgres.url(database), "user = " + RealPostgres.USER, "pool.size = 8");
        node.write("org.wsemail.node.cfg", "name = " + name, "heartbeat.seconds = 1");
        node.settings("org.wsemail.queue.cfg", "lease.seconds = " + LEASE_SECONDS);
        return node;
    }

    @AfterClass
    public static void stopNodes() throws Exception {
        for (ServerProcess node : new ServerProcess[] {one, two, b}) {
            if (node != null) {
                node.close();
            }
        }
        if (dns != null) {
            dns.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    private static WsemailClient client(ServerProcess node, Address user) {
        return new WsemailClient(node.base(), user, PASSWORD.toCharArray(), Set.of(new TrustAnchor(CA.certificate(), null)));
    }

    /**
     * A request captured on its way to one node and presented to the other within its lifetime is a
     * replay: the nodes remember what they accepted in the database they share.
     */
    @Test
    public void aRequestAcceptedByOneNodeIsRefusedAsAReplayByTheOther() throws Exception {
        String subject = "Replayed at the other node " + System.nanoTime();
        byte[] request = SoapRequests.envelope(new Security(ALICE.toString(), PASSWORD).xml(), "<m:send><m:message><m:recipient>"
                + BOB + "</m:recipient><m:subject>" + subject + "</m:subject><m:body>Once.</m:body></m:message></m:send>")
                .getBytes(StandardCharsets.UTF_8);
        Reply accepted = new SoapRequests(URI.create(one.base() + "/client"), one.tls()).post(SoapRequests.ACTION_BASE + "send", request);
        assertEquals(accepted.toString(), 200, accepted.status());

        long mark = two.logMark();
        Reply replayed = new SoapRequests(URI.create(two.base() + "/client"), two.tls()).post(SoapRequests.ACTION_BASE + "send", request);
        assertEquals("the replay at node 2 was not refused: " + replayed, "A security error was encountered when verifying the message",
                replayed.faultString());
        String log = two.awaitLog(mark, written -> written.contains("its UsernameToken was seen before"), Duration.ofSeconds(10));
        assertTrue(log, log.contains("its UsernameToken was seen before"));
        assertEquals("one copy", Long.valueOf(1), awaitSubjects(two, BOB, Set.of(subject), Duration.ofSeconds(30)).get(subject));
    }

    /**
     * The domain's certificate authority is one for both nodes: created on node 1, it issues a
     * certificate on node 2; the user logs in with it at either node; revoked on node 2, it is
     * refused by node 1 too.
     */
    @Test
    public void theDomainsAuthorityItsCertificatesAndRevocationsAreTheSameOnBothNodes() throws Exception {
        String created = one.shell("wsemail:ca-create");
        assertTrue(created, created.contains("Created O=WSEmail,CN=WSEmail CA for a.test"));
        Path p12 = one.home.getParent().resolve("alice-of-both-nodes.p12");
        awaitShell(two, "wsemail:cert-issue-user --password-file " + passwordFile("p12-secret-1") + " --out " + p12
                + " " + ALICE, "Issued a certificate to alice@a.test");
        Set<TrustAnchor> trust = Set.of(new TrustAnchor(CA.certificate(), null));
        for (ServerProcess node : List.of(one, two)) {
            WsemailClient byCertificate = WsemailClient.withCertificate(node.base(), p12, "p12-secret-1".toCharArray(), trust);
            awaitLogin(byCertificate, true);
        }

        String row = awaitShell(one, "wsemail:cert-list --no-format", "CN=alice@a.test").lines()
                .filter(line -> line.contains("CN=alice@a.test")).findFirst().orElseThrow();
        String serial = row.trim().split("\\s+")[0];
        assertTrue(two.shell("wsemail:cert-revoke " + serial).contains("Revoked " + serial));
        for (ServerProcess node : List.of(two, one)) {
            awaitLogin(WsemailClient.withCertificate(node.base(), p12, "p12-secret-1".toCharArray(), trust), false);
        }
    }

    /**
     * Runs a shell command until it succeeds and its output says what is expected (the other node's
     * files arrive within seconds; until then the command may fail).
     */
    private static String awaitShell(ServerProcess node, String command, String expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            String output;
            try {
                output = node.shell(command);
            } catch (AssertionError failed) {
                output = failed.getMessage();
            }
            if (output.contains(expected)) {
                return output;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("after 30 s, " + command + " still says: " + output);
            }
            Thread.sleep(500);
        }
    }

    /** Waits until a certificate login is accepted, or refused (a revocation reaches the other node within seconds). */
    private static void awaitLogin(WsemailClient client, boolean accepted) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            String outcome;
            try {
                client.inbox(java.time.Instant.EPOCH);
                outcome = "accepted";
            } catch (org.wsemail.client.WsemailException refused) {
                outcome = refused.getMessage();
                if (!accepted) {
                    assertEquals(org.wsemail.client.WsemailException.NOT_AUTHENTICATED, refused.code());
                    assertEquals("the server refused the certificate", refused.getMessage());
                    return;
                }
            }
            if (accepted && outcome.equals("accepted")) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("certificate login " + (accepted ? "refused: " : "still accepted: ") + outcome);
            }
            Thread.sleep(500);
        }
    }

    /**
     * b.test's clock is two minutes ahead of a.test's: mail goes both ways, each server checking the
     * other's signatures and answers, and each reader's client the message's signature.
     */
    @Test
    public void mailFlowsBothWaysBetweenDomainsWhoseClocksAreTwoMinutesApart() throws Exception {
        String toB = "To a domain two minutes ahead " + System.nanoTime();
        client(one, ALICE).send(List.of(CAROL), toB, "Sent at a.test's time.");
        awaitSubjects(b, CAROL, Set.of(toB), Duration.ofSeconds(60));
        WsemailClient carol = client(b, CAROL);
        Header received = carol.inbox(java.time.Instant.EPOCH).stream().filter(h -> h.getSubject().equals(toB))
                .findFirst().orElseThrow();
        assertTrue(carol.read(received.getId()).signatureReport(), carol.read(received.getId()).verified());

        String toA = "From a domain two minutes ahead " + System.nanoTime();
        carol.send(List.of(ALICE), toA, "Sent at b.test's time.");
        awaitSubjects(two, ALICE, Set.of(toA), Duration.ofSeconds(60));
        WsemailClient alice = client(two, ALICE);
        Header arrived = alice.inbox(java.time.Instant.EPOCH).stream().filter(h -> h.getSubject().equals(toA))
                .findFirst().orElseThrow();
        assertTrue(alice.read(arrived.getId()).signatureReport(), alice.read(arrived.getId()).verified());
        Duration ahead = Duration.between(java.time.Instant.now(), arrived.getTimestamp().toGregorianCalendar().toInstant());
        assertTrue("b.test dated its message " + ahead.toSeconds() + " s from now: its clock should be "
                + B_CLOCK_AHEAD.toSeconds() + " s ahead", ahead.compareTo(Duration.ofSeconds(60)) > 0
                && ahead.compareTo(B_CLOCK_AHEAD.plusSeconds(30)) < 0);
    }

    @Test
    public void bothNodesServeTheSameUsersAndMailboxesAndListEachOther() throws Exception {
        String subject = "Through node 1, read through node 2 " + System.nanoTime();
        client(one, ALICE).send(List.of(BOB), subject, "One database behind both.");
        awaitSubjects(two, BOB, Set.of(subject), Duration.ofSeconds(30));

        String nodes = two.shell("wsemail:node-list --no-format");
        assertTrue(nodes, nodes.lines().anyMatch(l -> l.startsWith("node-1") && l.contains("alive")));
        assertTrue(nodes, nodes.lines().anyMatch(l -> l.startsWith("node-2") && l.contains("alive (this node)")));
    }

    @Test
    public void peersSpreadTheirDeliveriesOverTheNodesBySrvWeightAndUseTheOtherWhenOneIsDown() throws Exception {
        long oneBefore = received(one);
        long twoBefore = received(two);
        WsemailClient carol = client(b, CAROL);
        // One at a time: b.test picks a node by weight per delivery call, and messages queued together
        // travel in one batch call, so 30 sent at once may go in two or three calls, all to one node.
        for (int i = 0; i < 30; i++) {
            String subject = "Spread " + i + " " + System.nanoTime();
            carol.send(List.of(ALICE), subject, "From b.test.");
            awaitSubjects(two, ALICE, Set.of(subject), Duration.ofSeconds(60));
        }
        long toOne = received(one) - oneBefore;
        long toTwo = received(two) - twoBefore;
        System.out.printf("SRV spread: of 30 relayed messages node-1 received %d, node-2 %d%n", toOne, toTwo);
        assertEquals(30, toOne + toTwo);
        assertTrue("both nodes received some: " + toOne + " and " + toTwo, toOne > 0 && toTwo > 0);

        one.kill();
        try {
            long twoBeforeOutage = received(two);
            Set<String> duringOutage = new java.util.HashSet<>();
            for (int i = 0; i < 10; i++) {
                String subject = "While node 1 is down " + i + " " + System.nanoTime();
                carol.send(List.of(ALICE), subject, "From b.test.");
                duringOutage.add(subject);
            }
            awaitSubjects(two, ALICE, duringOutage, Duration.ofSeconds(60));
            assertEquals("all to the node that is up", 10, received(two) - twoBeforeOutage);
        } finally {
            one.start();
        }
    }

    /** How many relayed messages the node received since it started, as wsemail:peer-traffic says. */
    private static long received(ServerProcess node) throws Exception {
        String said = node.shell("wsemail:peer-traffic");
        java.util.regex.Matcher received = java.util.regex.Pattern.compile("received (\\d+) messages").matcher(said);
        assertTrue(said, received.find());
        return Long.parseLong(received.group(1));
    }

    @Test
    public void aPlugInInstalledReprioritizedOrDisabledOnOneNodeAppliesOnTheOtherWithinSeconds() throws Exception {
        one.shell("wsemail:plugin-install mvn:org.wsemail.plugins/subject-tag/" + System.getProperty("wsemail.version"));
        awaitPlugin(two, "subject-tag", "installed, in the sending stage", columns -> columns[1].equals("sending"));

        two.shell("wsemail:plugin-priority subject-tag 37");
        awaitPlugin(one, "subject-tag", "at priority 37", columns -> columns[2].equals("37") && columns[5].equals("yes"));

        one.shell("wsemail:plugin-disable subject-tag");
        awaitPlugin(two, "subject-tag", "disabled", columns -> columns[5].equals("no"));

        two.shell("wsemail:plugin-uninstall subject-tag");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (one.shell("wsemail:plugin-list --no-format").contains("subject-tag")) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the plug-in uninstalled on node 2 is still on node 1 after 30 s");
            }
            Thread.sleep(250);
        }
    }

    /** Waits until the node lists the plug-in with columns that match (name, stages, priority, ranking, override, enabled...). */
    private static void awaitPlugin(ServerProcess node, String plugin, String what,
            java.util.function.Predicate<String[]> matches) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            String listed = node.shell("wsemail:plugin-list --no-format");
            boolean found = listed.lines().map(l -> java.util.Arrays.stream(l.split("\t")).map(String::strip).toArray(String[]::new))
                    .anyMatch(columns -> columns.length > 5 && columns[0].equals(plugin) && matches.test(columns));
            if (found) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(plugin + " not " + what + " on " + node.home.getFileName() + " after 30 s:\n" + listed);
            }
            Thread.sleep(250);
        }
    }

    /**
     * Senders on both nodes; node 1 is killed with SIGKILL in the middle, then started again. Every
     * message a sender was told was accepted is in the mailbox once; no message is there twice.
     */
    @Test
    public void aNodeKilledUnderSendLoadLosesNothingItAcceptedAndDuplicatesNothing() throws Exception {
        for (int round = 1; round <= ROUNDS; round++) {
            String prefix = "Round " + round + " message ";
            Set<String> accepted;
            int refused;
            try (SendLoad load = new SendLoad(4, sender -> client(sender % 2 == 0 ? one : two, ALICE), BOB,
                    (sender, n) -> prefix + sender + "-" + n)) {
                load.awaitAccepted(40);
                one.kill();
                load.awaitAccepted(load.acceptedCount() + 40);
                accepted = load.stop();
                refused = load.refused();
            }
            assertTrue("the senders to the killed node were refused", refused > 0);
            Map<String, Long> found = awaitSubjects(two, BOB, accepted, Duration.ofSeconds(LEASE_SECONDS * 4L + 30));
            one.start();
            System.out.printf("kill -9 round %d: %d accepted, %d found once, %d refused while the node was down%n", round,
                    accepted.size(), found.keySet().stream().filter(accepted::contains).count(), refused);
        }
    }

    @Test
    public void postgresqlRestartedUnderSendLoadLosesNothingAndTheNodesRecoverByThemselves() throws Exception {
        Set<String> accepted;
        int refused;
        try (SendLoad load = new SendLoad(4, sender -> client(sender % 2 == 0 ? one : two, ALICE), BOB,
                (sender, n) -> "Database restart " + sender + "-" + n)) {
            load.awaitAccepted(30);
            postgres.stop();
            load.awaitRefused(4);
            try {
                client(one, DAVE).inbox(java.time.Instant.EPOCH);
                throw new AssertionError("a password was checked while the database was down");
            } catch (org.wsemail.client.WsemailException down) {
                assertEquals("not a refused password: a good password must not look wrong",
                        "the server cannot check the password now: its database is unavailable; nothing was changed,"
                        + " try again later", down.getMessage());
            }
            int whileDown = load.acceptedCount();
            postgres.startServer();
            load.awaitAccepted(whileDown + 40);
            accepted = load.stop();
            refused = load.refused();
        }
        awaitSubjects(two, BOB, accepted, Duration.ofSeconds(LEASE_SECONDS * 4L + 30));
        System.out.printf("PostgreSQL restart: %d accepted, all found once, %d refused while it was down%n", accepted.size(),
                refused);
        String nodes = one.shell("wsemail:node-list --no-format");
        assertTrue("both nodes beat their heartbeats again: " + nodes,
                nodes.lines().filter(l -> l.startsWith("node-") && l.contains("alive")).count() == 2);
    }

    /**
     * A peer's Deliver reached node 1, which stored the message, but the peer never heard the
     * confirmation and tries again, this time (SRV order) at node 2: the message is not stored twice.
     */
    @Test
    public void aDeliveryRepeatedAfterALostConfirmationIsNotStoredTwiceOnEitherNode() throws Exception {
        Pki.CertifiedKey bServer = Pki.issueServerCertificate(CA, "b.test", Duration.ofDays(1));
        org.wsemail.api.MailMessage message = org.wsemail.api.MailMessage.builder()
                .messageId("lost-confirmation-" + System.nanoTime() + "@b.test").sender(CAROL).recipient(ALICE)
                .subject("Confirmation lost " + System.nanoTime()).body("Sent once, delivered twice, stored once.").build();
        org.w3c.dom.Element element = new org.wsemail.wire.MessageCodec().toElement(message, "m-lost");
        new org.wsemail.wire.security.MessageSignatures().sign(element, bServer.keyPair().getPrivate(),
                List.of(bServer.certificate(), CA.certificate()));
        org.wsemail.wire.soap.SignedMessage signed = new org.wsemail.wire.soap.SignedMessage();
        signed.setAny(element);

        List<org.wsemail.wire.soap.RecipientResult> first = one.peer().deliver(signed, List.of(ALICE.toString()));
        List<org.wsemail.wire.soap.RecipientResult> retried = two.peer().deliver(signed, List.of(ALICE.toString()));

        assertEquals("STORED", first.get(0).getStatus().name());
        assertEquals("the retry is confirmed, so the sender stops trying", "STORED", retried.get(0).getStatus().name());
        assertEquals("delivered before", retried.get(0).getDetail());
        Map<String, Long> found = awaitSubjects(one, ALICE, Set.of(message.subject()), Duration.ofSeconds(30));
        assertEquals(Long.valueOf(1), found.get(message.subject()));
    }

    @Test
    public void mailForADomainThatIsDownWaitsInTheSharedQueueAndArrivesOnceWhenItIsBack() throws Exception {
        b.stop();
        Set<String> subjects = new java.util.HashSet<>();
        try {
            for (int i = 0; i < 6; i++) {
                String subject = "While b.test is down " + i + " " + System.nanoTime();
                client(i % 2 == 0 ? one : two, ALICE).send(List.of(CAROL), subject, "Wait for it.");
                subjects.add(subject);
            }
            String queued = two.shell("wsemail:queue-list --no-format");
            assertTrue("the queue both nodes share holds them: " + queued,
                    queued.lines().filter(l -> l.contains(CAROL.toString())).count() == 6);
        } finally {
            b.start();
        }
        Map<String, Long> found = awaitSubjects(b, CAROL, subjects, Duration.ofSeconds(90));
        assertTrue("each once: " + found, subjects.stream().allMatch(s -> found.get(s) == 1L));
    }

    /**
     * Waits until every expected subject is in the user's mailbox, read through {@code node}, none of
     * them twice; returns how many times each subject is there.
     */
    private static Map<String, Long> awaitSubjects(ServerProcess node, Address user, Set<String> expected, Duration limit)
            throws Exception {
        return SendLoad.awaitEachOnce(client(node, user), expected, limit, () -> {
            try {
                return "queue: " + node.shell("wsemail:queue-list --no-format");
            } catch (Exception e) {
                return "queue not readable: " + e.getMessage();
            }
        });
    }
}
