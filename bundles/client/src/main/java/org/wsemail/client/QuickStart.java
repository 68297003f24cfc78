package org.wsemail.client;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code bin/wsemail}'s entry point. The everyday commands ({@value #SERVED_TEXT}) are handed to the
 * warm client, {@link Agent}, started in the background on first use, so that a command does not
 * load CXF, JAXB and WS-Security again; the rest, and every command when {@code WSEMAIL_AGENT=off},
 * run in this process as before. Loads nothing but the JDK until it knows which.
 *
 * <p>A command goes to the agent only when it can run there exactly as here: its password comes from
 * {@code WSEMAIL_PASSWORD} or {@code --password-file} (the agent cannot prompt), and the files its
 * options name are made absolute first. If the agent cannot be reached or started, the command runs
 * here.
 */
public final class QuickStart {
    static final String SERVED_TEXT = "inbox, read, send, delete";
    private static final Set<String> SERVED = Set.of("inbox", "read", "send", "delete");
    private static final Set<String> PATH_OPTIONS = Set.of("--trust", "--password-file", "--certificate", "--config",
            "--body-file", "--attach", "--out");
    /** Options that take no value. */
    private static final Set<String> FLAGS = Set.of("--encrypt", "--approve", "--help");
    static final String SWITCH = "WSEMAIL_AGENT";
    private static final long IDLE_SECONDS = 900;
    private static final long START_LIMIT_MILLIS = 60_000;

    private QuickStart() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> environment = System.getenv();
        if (args.length == 1 && args[0].equals("agent-stop")) {
            System.exit(stop());
        }
        if ("off".equals(environment.get(SWITCH)) || !served(args, environment)) {
            Main.main(args);
            return;
        }
        Path socket = socket();
        if (socket == null) {
            Main.main(args);
            return;
        }
        SocketChannel agent = connect(socket);
        if (agent == null) {
            agent = start(socket);
        }
        if (agent == null) {
            Main.main(args);
            return;
        }
        try (SocketChannel channel = agent) {
            System.exit(run(channel, absolutePaths(args), environment));
        }
    }

    /** The command word is one of those served, and the password need not be typed. */
    static boolean served(String[] args, Map<String, String> environment) {
        String command = null;
        boolean passwordFile = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                passwordFile |= args[i].equals("--password-file");
                if (!FLAGS.contains(args[i])) {
                    i++;
                }
            } else {
                command = args[i];
                break;
            }
        }
        return command != null && SERVED.contains(command) && (passwordFile || environment.containsKey("WSEMAIL_PASSWORD"));
    }

    /** The arguments with the files that options name made absolute: the agent runs elsewhere. */
    static String[] absolutePaths(String[] args) {
        String[] resolved = args.clone();
        for (int i = 0; i + 1 < resolved.length; i++) {
            if (PATH_OPTIONS.contains(resolved[i]) && !(resolved[i].equals("--trust") && resolved[i + 1].equals("system"))) {
                resolved[i + 1] = Path.of(resolved[i + 1]).toAbsolutePath().toString();
                i++;
            }
        }
        return resolved;
    }

    /** The agent's socket for this installation, in {@code ~/.wsemail} (made readable by its owner only); null if unsafe. */
    private static Path socket() throws IOException {
        Path folder = Path.of(System.getProperty("user.home"), ".wsemail");
        Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rwx------");
        try {
            if (!Files.isDirectory(folder)) {
                Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(ownerOnly));
            }
            if (!Files.getPosixFilePermissions(folder).equals(ownerOnly)) {
                return null;  // others could reach the socket: no agent
            }
        } catch (UnsupportedOperationException e) {
            return null;
        }
        return folder.resolve("agent-" + installation() + ".sock");
    }

    /**
     * Names this installation as it is now: its jars, each with its size and time. A client replaced
     * in place gets an agent of its own, never one still running the old classes.
     */
    private static String installation() throws IOException {
        StringBuilder jars = new StringBuilder();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path jar = Path.of(entry);
            jars.append(entry).append('|');
            if (Files.exists(jar)) {
                jars.append(Files.size(jar)).append('|').append(Files.getLastModifiedTime(jar).toMillis());
            }
            jars.append('\n');
        }
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(jars.toString().getBytes(StandardCharsets.UTF_8))).substring(0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static SocketChannel connect(Path socket) {
        if (!Files.exists(socket)) {
            return null;
        }
        try {
            return SocketChannel.open(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            return null;
        }
    }

    /** Starts the agent, in a session of its own so that the terminal's signals do not reach it, and waits for it. */
    private static SocketChannel start(Path socket) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            command.add("/usr/bin/setsid");
        }
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(List.of("-Xmx256m", "-cp", System.getProperty("java.class.path"), Agent.class.getName(),
                socket.toString(), System.getenv().getOrDefault("WSEMAIL_AGENT_IDLE", String.valueOf(IDLE_SECONDS))));
        new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(socket.resolveSibling(socket.getFileName() + ".log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        long deadline = System.currentTimeMillis() + START_LIMIT_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            SocketChannel agent = connect(socket);
            if (agent != null) {
                return agent;
            }
            Thread.sleep(50);
        }
        return null;
    }

    private static int run(SocketChannel agent, String[] args, Map<String, String> environment) throws IOException {
        DataOutputStream request = new DataOutputStream(Channels.newOutputStream(agent));
        request.writeInt(args.length);
        for (String arg : args) {
            request.writeUTF(arg);
        }
        List<Map.Entry<String, String>> passed = environment.entrySet().stream()
                .filter(e -> e.getKey().startsWith("WSEMAIL_")).toList();
        request.writeInt(passed.size());
        for (Map.Entry<String, String> entry : passed) {
            request.writeUTF(entry.getKey());
            request.writeUTF(entry.getValue());
        }
        request.flush();
        DataInputStream answer = new DataInputStream(Channels.newInputStream(agent));
        while (true) {
            int channel = answer.readByte();
            int length = answer.readInt();
            if (channel == Agent.EXIT) {
                System.out.flush();
                return length;
            }
            byte[] bytes = answer.readNBytes(length);
            (channel == Agent.ERR ? System.err : System.out).write(bytes);
            (channel == Agent.ERR ? System.err : System.out).flush();
        }
    }

    private static int stop() throws IOException {
        Path socket = socket();
        SocketChannel agent = socket == null ? null : connect(socket);
        if (agent == null) {
            System.out.println("No agent is running.");
            return 0;
        }
        try (SocketChannel channel = agent) {
            run(channel, new String[] {Agent.STOP}, Map.of());
        }
        System.out.println("The agent stopped.");
        return 0;
    }
}
