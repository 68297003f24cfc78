package org.wsemail.client;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * The warm client: a background process that runs {@code bin/wsemail} commands for {@link QuickStart},
 * so that a command costs a small JVM's start and one request rather than loading CXF, JAXB and
 * WS-Security again. It listens on a Unix socket in the user's own folder ({@code ~/.wsemail},
 * readable by the user only), answers only processes of its own user (the peer's credentials are
 * checked), keeps no password between commands (each request brings its own), runs one command at a
 * time, and exits after a while without commands. Started by {@link QuickStart}; not for direct use.
 *
 * <p>Protocol: the request is the command's arguments and environment entries as UTF strings; the
 * answer is frames of (channel, length, bytes), channel 1 standard output, 2 standard error, and a
 * last frame of channel 0 whose length is the exit status.
 */
public final class Agent {
    static final int OUT = 1;
    static final int ERR = 2;
    static final int EXIT = 0;
    /** A request of {@code agent-stop} instead of a command. */
    static final String STOP = "\u0000stop";

    private Agent() {
    }

    /** {@code Agent SOCKET IDLE-SECONDS} */
    public static void main(String[] args) throws IOException {
        java.util.logging.LogManager.getLogManager().reset();
        Path socket = Path.of(args[0]);
        Duration idle = Duration.ofSeconds(Long.parseLong(args[1]));
        Files.deleteIfExists(socket);
        AtomicLong lastUsed = new AtomicLong(System.nanoTime());
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "wsemail-agent-idle");
                thread.setDaemon(true);
                return thread;
            });
            watch.scheduleWithFixedDelay(() -> {
                if (System.nanoTime() - lastUsed.get() > idle.toNanos() || !Files.exists(socket)) {
                    quit(socket);
                }
            }, 5, 5, TimeUnit.SECONDS);
            String me = System.getProperty("user.name");
            while (true) {
                try (SocketChannel caller = server.accept()) {
                    lastUsed.set(System.nanoTime());
                    UnixDomainPrincipal peer = caller.getOption(ExtendedSocketOptions.SO_PEERCRED);
                    if (!peer.user().getName().equals(me)) {
                        continue;  // another user's process: no answer at all
                    }
                    if (!serve(caller)) {
                        quit(socket);
                    }
                    lastUsed.set(System.nanoTime());
                } catch (IOException e) {
                    // the caller went away mid-command: nothing to tell it
                }
            }
        }
    }

    private static void quit(Path socket) {
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            // exiting anyway
        }
        System.exit(0);
    }

    /** Runs one request; false if it asked the agent to stop. */
    private static boolean serve(SocketChannel caller) throws IOException {
        DataInputStream in = new DataInputStream(Channels.newInputStream(caller));
        DataOutputStream answer = new DataOutputStream(Channels.newOutputStream(caller));
        String[] args = new String[in.readInt()];
        for (int i = 0; i < args.length; i++) {
            args[i] = in.readUTF();
        }
        Map<String, String> environment = new HashMap<>();
        int entries = in.readInt();
        for (int i = 0; i < entries; i++) {
            environment.put(in.readUTF(), in.readUTF());
        }
        if (args.length == 1 && STOP.equals(args[0])) {
            frame(answer, EXIT, new byte[0], 0);
            return false;
        }
        PrintStream out = new PrintStream(new Framed(answer, OUT), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new Framed(answer, ERR), true, StandardCharsets.UTF_8);
        int status = new Main(out, err, environment, null).run(args);
        out.flush();
        err.flush();
        frame(answer, EXIT, new byte[0], status);
        return true;
    }

    private static void frame(DataOutputStream answer, int channel, byte[] bytes, int length) throws IOException {
        synchronized (answer) {
            answer.writeByte(channel);
            answer.writeInt(length);
            answer.write(bytes, 0, channel == EXIT ? 0 : length);
            answer.flush();
        }
    }

    /** What a command prints to one channel, sent as frames. */
    private static final class Framed extends OutputStream {
        private final DataOutputStream answer;
        private final int channel;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        Framed(DataOutputStream answer, int channel) {
            this.answer = answer;
            this.channel = channel;
        }

        @Override
        public void write(int b) {
            pending.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            pending.write(bytes, offset, length);
        }

        @Override
        public void flush() throws IOException {
            if (pending.size() > 0) {
                frame(answer, channel, pending.toByteArray(), pending.size());
                pending.reset();
            }
        }
    }
}
