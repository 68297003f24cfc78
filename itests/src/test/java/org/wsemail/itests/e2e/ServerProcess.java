package org.wsemail.itests.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.wsemail.security.Pki;

/**
 * One real WSEmail server: the distribution unpacked into a folder of its own, configured for one
 * mail domain on one loopback address, started and stopped with its own bin/start and bin/stop,
 * and administered through bin/client over SSH, as an administrator would.
 */
final class ServerProcess implements AutoCloseable {
    private static final Duration START_LIMIT = Duration.ofSeconds(180);
    private static final String ADMIN_PASSWORD = "e2e-admin-password";

    final String domain;
    final String ip;
    final int httpPort;
    private final int sshPort;
    final Path home;
    private final Map<String, String> environment;

    /**
     * @param ip the loopback address it listens on, e.g. 127.0.0.2
     * @param basePort its ports: HTTP at base+81, SSH at base+1, RMI at base+98 and base+99
     */
    ServerProcess(Path archive, Path root, String domain, String ip, int basePort)
            throws IOException, InterruptedException {
        this.domain = domain;
        this.ip = ip;
        this.httpPort = basePort + 81;
        this.sshPort = basePort + 1;
        Path folder = root.resolve(domain);
        Files.createDirectories(folder);
        run(List.of("tar", "-xzf", archive.toString(), "-C", folder.toString(), "--strip-components=1"), folder);
        this.home = folder;
        this.environment = Map.of("JAVA_MAX_MEM", "768m");

        write("org.wsemail.server.cfg", "domain = " + domain);
        write("org.ops4j.pax.web.cfg", "org.osgi.service.http.port = " + httpPort,
                "org.ops4j.pax.web.listening.addresses = " + ip);
        replaceLine("org.apache.karaf.shell.cfg", "sshPort", "sshPort = " + sshPort);
        replaceLine("org.apache.karaf.management.cfg", "rmiRegistryPort", "rmiRegistryPort = " + (basePort + 99));
        replaceLine("org.apache.karaf.management.cfg", "rmiServerPort", "rmiServerPort = " + (basePort + 98));
        Files.writeString(etc("users.properties"), String.join("\n",
                "admin = " + ADMIN_PASSWORD + ",_g_:admingroup",
                "_g_\\:admingroup = group,admin,manager,viewer,systembundles,ssh", ""));
        write("org.wsemail.endpoint.cfg", "max.message.kib = 64");
        write("org.wsemail.queue.cfg", "first.retry.seconds = 2", "max.retry.seconds = 4",
                "poll.interval.ms = 200", "lifetime.seconds = 600");
    }

    /** Gives the server its key and certificate, and the roots it trusts. */
    void credentials(Pki.CertifiedKey server, Pki.CertifiedKey authority) throws IOException {
        Pki.writeKeyStore(etc("wsemail-server.p12"), "key-store-secret".toCharArray(), "server", server, authority.certificate());
        Pki.writeTrustStore(etc("wsemail-trust.p12"), "trust-store-secret".toCharArray(), authority.certificate());
        write("org.wsemail.security.cfg", "keystore.password = key-store-secret", "truststore.password = trust-store-secret",
                "demo.credentials = false");
    }

    void nameServer(String address) throws IOException {
        write("org.wsemail.dns.cfg", "nameservers = " + address, "use.nameservers = true", "timeout.ms = 2000");
    }

    /** The base URL as a client outside the test network reaches it (by address). */
    URI base() {
        return URI.create("http://" + ip + ":" + httpPort + "/wsemail");
    }

    void start() throws IOException, InterruptedException {
        launch();
        awaitReady();
    }

    /** Starts the server in the background; {@link #awaitReady()} waits for its services. */
    void launch() throws IOException, InterruptedException {
        run(List.of(home.resolve("bin/start").toString()), home);
    }

    void stop() throws IOException, InterruptedException {
        run(List.of(home.resolve("bin/stop").toString()), home);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (isUp() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        while (javaProcessRunning() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        if (javaProcessRunning()) {
            processes().forEach(ProcessHandle::destroyForcibly);
            throw new IllegalStateException(domain + " did not exit within 60 s of bin/stop and was killed; see "
                    + home.resolve("data/log/karaf.log"));
        }
    }

    /** True while a JVM started from this server's folder is alive (it still holds the database). */
    private boolean javaProcessRunning() {
        return processes().findAny().isPresent();
    }

    private java.util.stream.Stream<ProcessHandle> processes() {
        String folder = home.toString();
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().map(c -> c.contains(folder)).orElse(false));
    }

    void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        while (!isUp()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(domain + " did not publish its services within " + START_LIMIT.toSeconds()
                        + " s; see " + home.resolve("data/log/karaf.log"));
            }
            Thread.sleep(250);
        }
    }

    private boolean isUp() {
        try {
            HttpURLConnection connection = (HttpURLConnection) URI.create(
                    "http://" + ip + ":" + httpPort + "/wsemail/peer?wsdl").toURL().openConnection();
            connection.setConnectTimeout(500);
            connection.setReadTimeout(2000);
            return connection.getResponseCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Runs Karaf shell commands over SSH as the administrator and returns what they printed; a
     * command that fails fails the test, so that no assertion about the output passes on an error.
     */
    String shell(String... commands) throws IOException, InterruptedException {
        ProcessBuilder client = new ProcessBuilder(home.resolve("bin/client").toString(), "-u", "admin", "-p", ADMIN_PASSWORD,
                "-a", String.valueOf(sshPort), "-h", "127.0.0.1", "-r", "20", "-d", "1", "-b")
                .directory(home.toFile()).redirectErrorStream(true);
        client.environment().putAll(environment);
        Process process = client.start();
        process.getOutputStream().write((String.join("\n", commands) + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("bin/client did not finish: " + output);
        }
        if (output.contains("Error executing command") || output.contains("Command not found")) {
            throw new AssertionError("a shell command failed on " + domain + ": " + output);
        }
        return output;
    }

    /** How long the server's log is now; {@link #logSince(long)} gives what was written after. */
    long logMark() throws IOException {
        Path log = home.resolve("data/log/karaf.log");
        return Files.exists(log) ? Files.size(log) : 0;
    }

    String logSince(long mark) throws IOException {
        byte[] all = Files.readAllBytes(home.resolve("data/log/karaf.log"));
        return new String(all, (int) Math.min(mark, all.length), (int) Math.max(0, all.length - mark), StandardCharsets.UTF_8);
    }

    private Path etc(String file) {
        return home.resolve("etc").resolve(file);
    }

    private void write(String file, String... lines) throws IOException {
        Files.writeString(etc(file), String.join("\n", lines) + "\n");
    }

    private void replaceLine(String file, String key, String line) throws IOException {
        List<String> lines = Files.readAllLines(etc(file)).stream()
                .map(l -> l.trim().startsWith(key + " ") || l.trim().startsWith(key + "=") ? line : l)
                .collect(Collectors.toList());
        Files.write(etc(file), lines);
    }

    private void run(List<String> command, Path directory) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment == null ? Map.of() : environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(command + " failed: " + output);
        }
    }

    static void deleteRecursively(Path path) throws IOException {
        if (Files.exists(path)) {
            try (var walk = Files.walk(path)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
