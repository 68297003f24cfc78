package org.wsemail.itests.e2e;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.wsemail.itests.e2e.ServerProcess.passwordFile;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.TrustAnchor;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.BeforeClass;
import org.junit.Test;
import org.wsemail.api.Address;
import org.wsemail.client.WsemailClient;
import org.wsemail.client.WsemailException;
import org.wsemail.security.Pki;
import org.wsemail.wire.soap.Header;

/**
 * One server on its embedded Derby database, its data on a small file system of its own (a tmpfs
 * mount, when the tests run as root): killed with SIGKILL under send load and started again, it
 * loses nothing it accepted and duplicates nothing; when its disk fills, sends are refused with a
 * clear fault, nothing is corrupted, and it takes mail again once there is room.
 */
public class DerbyFaultsIT {
    private static final Pki.CertifiedKey CA = Pki.createAuthority("Derby faults test CA", Duration.ofDays(1));
    private static final String PASSWORD = "derby-faults-password-1";
    private static final Address ALICE = Address.parse("alice@a.test");
    private static final Address BOB = Address.parse("bob@a.test");
    private static final int ROUNDS = Integer.getInteger("wsemail.fault.rounds", 5);
    /** The size of the file system the server's data lives on. */
    private static final String DATA_SIZE = "96m";

    private static ServerProcess server;
    private static Path mounted;
    private static Path root;

    @BeforeClass
    public static void startServer() throws Exception {
        root = Path.of("target", "e2e-derby-faults").toAbsolutePath();
        unmount(root.resolve("a.test/data/wsemail"));
        ServerProcess.deleteRecursively(root);
        Files.createDirectories(root);
        server = new ServerProcess(Path.of(System.getProperty("wsemail.assembly")), root, "a.test", "127.0.0.24", 19800);
        server.credentials(CA);
        if ("root".equals(System.getProperty("user.name"))) {
            Path data = Files.createDirectories(server.home.resolve("data/wsemail"));
            run("mount", "-t", "tmpfs", "-o", "size=" + DATA_SIZE, "tmpfs", data.toString());
            mounted = data;
        }
        server.start();
        server.shell("wsemail:user-add --password-file " + passwordFile(PASSWORD) + " " + ALICE,
                "wsemail:user-add --password-file " + passwordFile(PASSWORD) + " " + BOB);
    }

    @AfterClass
    public static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
        if (mounted != null) {
            unmount(mounted);
        }
    }

    private static WsemailClient client(Address user) {
        return new WsemailClient(server.base(), user, PASSWORD.toCharArray(), Set.of(new TrustAnchor(CA.certificate(), null)));
    }

    @Test
    public void killedUnderSendLoadAndStartedAgainItLosesNothingItAcceptedAndDuplicatesNothing() throws Exception {
        for (int round = 1; round <= ROUNDS; round++) {
            List<String> accepted = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger refused = new AtomicInteger();
            AtomicBoolean sending = new AtomicBoolean(true);
            ExecutorService senders = Executors.newFixedThreadPool(3);
            try {
                for (int thread = 0; thread < 3; thread++) {
                    String tag = "Derby round " + round + " message " + thread + "-";
                    senders.submit(() -> send(tag, sending, accepted, refused));
                }
                awaitCount(accepted, 30);
                server.kill();
                int atKill = accepted.size();
                server.start();
                awaitCount(accepted, atKill + 30);
            } finally {
                sending.set(false);
                senders.shutdown();
                senders.awaitTermination(60, TimeUnit.SECONDS);
            }
            Map<String, Long> found = awaitSubjects(Set.copyOf(accepted), Duration.ofSeconds(60));
            Map<String, Long> twice = new TreeMap<>(found);
            twice.values().removeIf(count -> count < 2);
            assertEquals("round " + round + ": no message twice", Map.of(), twice);
            System.out.printf("Derby kill -9 round %d: %d accepted, all found once, %d refused while the server was down%n",
                    round, accepted.size(), refused.get());
        }
    }

    @Test
    public void whenItsDiskIsFullSendsAreRefusedClearlyNothingIsCorruptedAndMailFlowsAgainOnceThereIsRoom() throws Exception {
        Assume.assumeTrue("the server's data is on a file system of its own (the tests run as root)", mounted != null);
        String before = "Before the disk filled " + System.nanoTime();
        client(ALICE).send(List.of(BOB), before, "Stored while there was room.");
        awaitSubjects(Set.of(before), Duration.ofSeconds(30));

        Path filler = mounted.resolve("filler");
        fill(filler);
        try {
            String refusal = null;
            for (int i = 0; i < 20 && refusal == null; i++) {
                try {
                    client(ALICE).send(List.of(BOB), "On a full disk " + i, "x".repeat(20_000));
                } catch (WsemailException expected) {
                    refusal = expected.getMessage();
                }
            }
            assertTrue("a send was refused on the full disk", refusal != null);
            System.out.println("On a full disk the client was told: " + refusal);
            assertTrue(refusal, refusal.contains("it is out of storage space") || refusal.contains("its database is unavailable"));
            assertTrue(refusal, refusal.endsWith("nothing was changed, try again later"));
        } finally {
            Files.deleteIfExists(filler);
        }
        String after = "After room was made " + System.nanoTime();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                client(ALICE).send(List.of(BOB), after, "Stored again.");
                break;
            } catch (WsemailException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("sends still refused 60 s after room was made: " + notYet.getMessage(), notYet);
                }
                Thread.sleep(500);
            }
        }
        awaitSubjects(Set.of(before, after), Duration.ofSeconds(60));

        // Nothing corrupted: the database opens after a restart and holds what it held.
        server.stop();
        server.start();
        Map<String, Long> found = awaitSubjects(Set.of(before, after), Duration.ofSeconds(60));
        assertEquals(Long.valueOf(1), found.get(before));
        assertEquals(Long.valueOf(1), found.get(after));
    }

    /**
     * A plug-in that throws for some messages and hangs for others, under send load, then uninstalled
     * while the load goes on: every message accepted is delivered once.
     */
    @Test
    public void aPlugInThatThrowsOrHangsUnderLoadAndOneUninstalledMidFlightLoseNothing() throws Exception {
        Path jar = org.wsemail.itests.e2e.faulty.PluginJar.write(root.resolve("misbehaving.jar"));
        String installed = server.shell("wsemail:plugin-install file:" + jar);
        assertTrue(installed, installed.contains("Plug-in " + org.wsemail.itests.e2e.faulty.PluginJar.NAME + " (sending)"));
        List<String> accepted = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger refused = new AtomicInteger();
        AtomicBoolean sending = new AtomicBoolean(true);
        ExecutorService senders = Executors.newFixedThreadPool(3);
        try {
            for (int thread = 0; thread < 3; thread++) {
                String tag = "Plug-in trouble " + thread + "-";
                senders.submit(() -> send(n -> tag + n + (n % 10 == 3 ? " [throw]" : n % 10 == 7 ? " [hang]" : ""),
                        sending, accepted, refused));
            }
            awaitCount(accepted, 30);
            String failing = server.shell("wsemail:plugin-list --no-format");
            assertTrue(failing, failing.lines().anyMatch(l -> l.startsWith(org.wsemail.itests.e2e.faulty.PluginJar.NAME)
                    && Integer.parseInt(l.split("\t")[7].strip()) > 0));
            server.shell("wsemail:plugin-uninstall " + org.wsemail.itests.e2e.faulty.PluginJar.NAME);
            int atUninstall = accepted.size();
            awaitCount(accepted, atUninstall + 30);
        } finally {
            sending.set(false);
            senders.shutdown();
            senders.awaitTermination(90, TimeUnit.SECONDS);
        }
        assertEquals("no send refused for a plug-in's faults", 0, refused.get());
        Map<String, Long> found = awaitSubjects(Set.copyOf(accepted), Duration.ofSeconds(60));
        Map<String, Long> twice = new TreeMap<>(found);
        twice.values().removeIf(count -> count < 2);
        assertEquals("no message twice", Map.of(), twice);
        System.out.printf("Plug-in throwing and hanging, then uninstalled under load: %d accepted, all found once%n",
                accepted.size());
    }

    /** Writes to the file until the file system is full. */
    private static void fill(Path filler) throws IOException {
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            if (!String.valueOf(full.getMessage()).contains("No space left")) {
                throw full;
            }
        }
        try (OutputStream out = Files.newOutputStream(filler, java.nio.file.StandardOpenOption.APPEND)) {
            for (int i = 0; i < 1024; i++) {
                out.write(block, 0, 1024);
            }
        } catch (IOException full) {
            return;
        }
        fail("the file system did not fill");
    }

    private static void send(String tag, AtomicBoolean sending, List<String> accepted, AtomicInteger refused) {
        send(n -> tag + n, sending, accepted, refused);
    }

    /** Sends until told to stop, the n-th message with the subject {@code subjects} gives it. */
    private static void send(java.util.function.IntFunction<String> subjects, AtomicBoolean sending, List<String> accepted,
            AtomicInteger refused) {
        WsemailClient alice = client(ALICE);
        for (int n = 0; sending.get(); n++) {
            String subject = subjects.apply(n);
            try {
                alice.send(List.of(BOB), subject, "Load.");
                accepted.add(subject);
            } catch (Exception refusedOrCutOff) {
                refused.incrementAndGet();
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static void awaitCount(List<String> accepted, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (accepted.size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + accepted.size() + " messages accepted in 180 s, waiting for " + count);
            }
            Thread.sleep(20);
        }
    }

    private static Map<String, Long> awaitSubjects(Set<String> expected, Duration limit) throws Exception {
        WsemailClient bob = client(BOB);
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            Map<String, Long> counts = null;
            try {
                counts = bob.inbox(Instant.EPOCH).stream().collect(Collectors.groupingBy(Header::getSubject, Collectors.counting()));
            } catch (WsemailException notYet) {
                if (System.nanoTime() > deadline) {
                    throw notYet;
                }
            }
            if (counts != null && counts.keySet().containsAll(expected)) {
                return counts;
            }
            if (System.nanoTime() > deadline) {
                Set<String> seen = counts == null ? Set.of() : counts.keySet();
                throw new AssertionError(expected.stream().filter(s -> !seen.contains(s)).count() + " accepted messages missing after "
                        + limit.toSeconds() + " s; queue: " + server.shell("wsemail:queue-list --no-format"));
            }
            Thread.sleep(250);
        }
    }

    private static void unmount(Path path) throws Exception {
        if (Files.isDirectory(path) && "root".equals(System.getProperty("user.name"))) {
            new ProcessBuilder("umount", path.toString()).redirectErrorStream(true).start().waitFor();
        }
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String said = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + said);
        }
    }
}
