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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.BeforeClass;
import org.junit.Test;
import org.wsemail.api.Address;
import org.wsemail.client.WsemailClient;
import org.wsemail.client.WsemailException;
import org.wsemail.itests.e2e.faulty.PluginJar;
import org.wsemail.security.Pki;

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
            String prefix = "Derby round " + round + " message ";
            Set<String> accepted;
            int refused;
            try (SendLoad load = new SendLoad(3, sender -> client(ALICE), BOB, (sender, n) -> prefix + sender + "-" + n)) {
                load.awaitAccepted(30);
                server.kill();
                int atKill = load.acceptedCount();
                server.start();
                load.awaitAccepted(atKill + 30);
                accepted = load.stop();
                refused = load.refused();
            }
            awaitSubjects(accepted, Duration.ofSeconds(60));
            System.out.printf("Derby kill -9 round %d: %d accepted, all found once, %d refused while the server was down%n",
                    round, accepted.size(), refused);
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
        Path jar = PluginJar.write(root.resolve("misbehaving.jar"));
        String installed = server.shell("wsemail:plugin-install file:" + jar);
        assertTrue(installed, installed.contains("Plug-in " + PluginJar.NAME + " (sending)"));
        Set<String> accepted;
        int refused;
        try (SendLoad load = new SendLoad(3, sender -> client(ALICE), BOB,
                (sender, n) -> "Plug-in trouble " + sender + "-" + n + (n % 10 == 3 ? " [throw]" : n % 10 == 7 ? " [hang]" : ""))) {
            load.awaitAccepted(30);
            String failing = server.shell("wsemail:plugin-list --no-format");
            assertTrue(failing, failing.lines().anyMatch(l -> l.startsWith(PluginJar.NAME)
                    && Integer.parseInt(l.split("\\t")[7].strip()) > 0));
            server.shell("wsemail:plugin-uninstall " + PluginJar.NAME);
            load.awaitAccepted(load.acceptedCount() + 30);
            accepted = load.stop();
            refused = load.refused();
        }
        assertEquals("no send refused for a plug-in's faults", 0, refused);
        awaitSubjects(accepted, Duration.ofSeconds(60));
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

    /** Waits until every expected subject is in Bob's mailbox, none twice; how many times each subject is there. */
    private static Map<String, Long> awaitSubjects(Set<String> expected, Duration limit) throws Exception {
        return SendLoad.awaitEachOnce(client(BOB), expected, limit, () -> {
            try {
                return "queue: " + server.shell("wsemail:queue-list --no-format");
            } catch (Exception e) {
                return "queue not readable: " + e.getMessage();
            }
        });
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
