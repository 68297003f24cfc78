package org.wsemail.itests.e2e;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;

/**
 * A server's Karaf shell over SSH, as {@code bin/client -b} reaches it (the commands sent as one
 * exec request, what they print and their errors read back together), from one SSH client kept
 * for all the tests of a run instead of a new JVM per call.
 */
final class AdminShell {
    private static final Duration CONNECT_LIMIT = Duration.ofSeconds(20);
    private static final Duration COMMAND_LIMIT = Duration.ofSeconds(60);
    private static SshClient client;

    private AdminShell() {
    }

    private static synchronized SshClient client() {
        if (client == null) {
            client = SshClient.setUpDefaultClient();
            // Test servers on the loopback, with host keys made at their first start.
            client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
            client.start();
        }
        return client;
    }

    /**
     * Runs the commands, one per line, as {@code user}; returns what they printed. Connecting is
     * tried for 20 s, as a server's SSH port opens a little after its start.
     */
    static String run(int port, String user, String password, String commands) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + CONNECT_LIMIT.toNanos();
        while (true) {
            ClientSession session;
            try {
                session = client().connect(user, "127.0.0.1", port).verify(CONNECT_LIMIT).getSession();
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("no SSH shell on port " + port + " within " + CONNECT_LIMIT.toSeconds() + " s", e);
                }
                Thread.sleep(500);
                continue;
            }
            try (session) {
                session.addPasswordIdentity(password);
                session.auth().verify(CONNECT_LIMIT);
                return exec(session, commands);
            }
        }
    }

    private static String exec(ClientSession session, String commands) throws IOException {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try (ChannelExec exec = session.createExecChannel(commands + "\n")) {
            exec.setIn(new ByteArrayInputStream(new byte[0]));
            exec.setOut(output);
            exec.setErr(output);
            exec.open().verify(CONNECT_LIMIT);
            Set<ClientChannelEvent> events = exec.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), COMMAND_LIMIT);
            if (!events.contains(ClientChannelEvent.CLOSED)) {
                throw new IOException("the shell did not finish within " + COMMAND_LIMIT.toSeconds() + " s: "
                        + output.toString(StandardCharsets.UTF_8));
            }
        }
        return output.toString(StandardCharsets.UTF_8);
    }
}
