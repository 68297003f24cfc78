package org.wsemail.itests.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.security.cert.TrustAnchor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.cxf.configuration.jsse.TLSClientParameters;
import org.apache.cxf.frontend.ClientProxy;
import org.apache.cxf.jaxws.JaxWsProxyFactoryBean;
import org.apache.cxf.transport.http.HTTPConduit;
import org.wsemail.security.Pki;
import org.wsemail.wire.security.DomainTls;
import org.wsemail.wire.soap.MailPeer;

/**
 * One real WSEmail server: the distribution unpacked into a folder of its own, configured for one
 * mail domain on one loopback address, started and stopped with its own bin/start and bin/stop,
 * and administered over SSH in its Karaf shell, as an administrator would.
 */
final class ServerProcess implements AutoCloseable {
    private static final Duration START_LIMIT = Duration.ofSeconds(180);
    private static final String ADMIN_PASSWORD = "e2e-admin-password";

    final String domain;
    final String ip;
    final int httpPort;
    final int tlsPort;
    private final int sshPort;
    private SSLContext tls;
    private Pki.CertifiedKey authority;
    final Path home;
    private final Map<String, String> environment;

    /**
     * @param ip the loopback address it listens on, e.g. 127.0.0.2
     * @param basePort its ports: HTTPS at base+43, HTTP (closed once TLS is up) at base+81, SSH at
     *     base+1, RMI at base+98 and base+99
     */
    ServerProcess(Path archive, Path root, String domain, String ip, int basePort)
            throws IOException, InterruptedException {
        this(archive, root, domain, domain, ip, basePort);
    }

    /** A server in the folder of that name under {@code root}: one of several nodes of a domain. */
    ServerProcess(Path archive, Path root, String folderName, String domain, String ip, int basePort)
            throws IOException, InterruptedException {
        this.domain = domain;
        this.ip = ip;
        this.httpPort = basePort + 81;
        this.tlsPort = basePort + 43;
        this.sshPort = basePort + 1;
        Path folder = root.resolve(folderName);
        Files.createDirectories(folder);
        run(List.of("tar", "-xzf", archive.toString(), "-C", folder.toString(), "--strip-components=1"), folder);
        this.home = folder;
        // A test's server runs for minutes under a light load, so it compiles with C1 alone, as
        // bin/wsemail runs: TwoDomainsIT took 364 s with C2 and 333 s without, one
        // run each (docs/PERFORMANCE.md, "Servers with C1 only").
        this.environment = new java.util.HashMap<>(Map.of("JAVA_MAX_MEM", "768m", "EXTRA_JAVA_OPTS", "-XX:TieredStopAtLevel=1"));

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

    /** The domains of the end-to-end tests, which their shared authority may certify. */
    static final String E2E_DOMAINS = "a.test,b.test,c.test";

    /**
     * The domains whose servers sign messages with an Ed25519 message signing key of their own, as a
     * server set up by its demo credentials or {@code wsemail:cert-issue-server} does; the others sign
     * with their RSA server key, as servers set up before such keys did. Mail between a.test and
     * b.test or c.test so shows that each kind verifies the other's.
     */
    static final Set<String> ED25519_SIGNERS = Set.of("a.test");

    /**
     * Gives the server a certificate from {@code authority} for its domain (and its address, so that
     * clients that check the host accept it too), a message signing key if its domain is one of
     * {@link #ED25519_SIGNERS}, the authority as its one trusted root (bound to the end-to-end
     * domains), the authority's current revocation list, and its HTTPS port.
     */
    void credentials(Pki.CertifiedKey authority, String... moreSecuritySettings) throws IOException {
        Pki.CertifiedKey server = Pki.issueServerCertificate(authority, domain, Duration.ofDays(1), ip);
        Map<String, Pki.CertifiedKey> keys = new java.util.HashMap<>(Map.of("server", server));
        if (ED25519_SIGNERS.contains(domain)) {
            keys.put(Pki.MESSAGE_SIGNING_ALIAS, Pki.issueMessageSigningCertificate(authority, domain, Duration.ofDays(1)));
        }
        Pki.writeKeyStore(etc("wsemail-server.p12"), "key-store-secret".toCharArray(), keys, authority.certificate());
        Pki.writeTrustStore(etc("wsemail-trust.p12"), "trust-store-secret".toCharArray(), authority.certificate());
        Files.writeString(etc("wsemail-trust-domains.properties"), fingerprint(authority.certificate()) + " = " + E2E_DOMAINS + "\n");
        revocationList(authority, Map.of());
        List<String> settings = new java.util.ArrayList<>(List.of("keystore.password = key-store-secret",
                "truststore.password = trust-store-secret", "demo.credentials = false", "tls.port = " + tlsPort,
                "crl.refresh.seconds = 2"));
        settings.addAll(List.of(moreSecuritySettings));
        write("org.wsemail.security.cfg", settings.toArray(new String[0]));
        this.tls = sslContext(authority);
        this.authority = authority;
    }

    /**
     * Places the authority's revocation list, with these certificates revoked, where the server reads
     * lists an administrator placed; it takes it up within {@code crl.refresh.seconds} (2 here).
     */
    void revocationList(Pki.CertifiedKey authority, Map<java.math.BigInteger, java.time.Instant> revoked) throws IOException {
        revocationList("e2e-ca.crl", authority, revoked);
    }

    /** As above, under a file name of its own: one per authority. */
    void revocationList(String name, Pki.CertifiedKey authority, Map<java.math.BigInteger, java.time.Instant> revoked)
            throws IOException {
        try {
            Path placed = Files.createDirectories(etc("wsemail-crls"));
            Path temporary = Files.createTempFile(placed, "e2e", ".tmp");
            Files.write(temporary, Pki.createCrl(authority, revoked, Duration.ofDays(1)).getEncoded());
            Files.move(temporary, placed.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    static String fingerprint(java.security.cert.X509Certificate certificate) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** TLS that trusts only {@code authority}, for test clients of the servers it certified. */
    static SSLContext sslContext(Pki.CertifiedKey authority) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, DomainTls.trustManagers(Set.of(new TrustAnchor(authority.certificate(), null))), null);
            return context;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    SSLContext tls() {
        return tls;
    }

    /** The certificate this server presents in TLS. */
    java.security.cert.X509Certificate tlsCertificate() throws IOException {
        try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) tls.getSocketFactory().createSocket(ip, tlsPort)) {
            socket.startHandshake();
            return (java.security.cert.X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    /** A raw client of this server's peer service, over TLS that checks the server's domain. */
    MailPeer peer(org.apache.cxf.interceptor.Interceptor<?>... outInterceptors) {
        JaxWsProxyFactoryBean factory = new JaxWsProxyFactoryBean();
        factory.setServiceClass(MailPeer.class);
        factory.setAddress(base() + "/peer");
        for (org.apache.cxf.interceptor.Interceptor<?> interceptor : outInterceptors) {
            factory.getOutInterceptors().add((org.apache.cxf.interceptor.Interceptor) interceptor);
        }
        MailPeer peer = (MailPeer) factory.create();
        TLSClientParameters parameters = new TLSClientParameters();
        parameters.setTrustManagers(DomainTls.serving(domain, DomainTls.trustManagers(Set.of(new TrustAnchor(authority.certificate(), null)))));
        parameters.setHostnameVerifier(DomainTls.domainCheckedByTrustManager());
        ((HTTPConduit) ClientProxy.getClient(peer).getConduit()).setTlsClientParameters(parameters);
        return peer;
    }

    /** Presents this server's certificate when it delivers to other servers (mutual TLS). */
    void presentCertificateToPeers() throws IOException {
        write("org.wsemail.peers.cfg", "client.certificate = true");
    }

    void nameServer(String address) throws IOException {
        // The test's servers all live on loopback addresses: internal ones, refused by default.
        write("org.wsemail.dns.cfg", "nameservers = " + address, "use.nameservers = true", "timeout.ms = 2000",
                "allow.private.targets = true");
    }

    /** The base URL as a client outside the test network reaches it (by address). */
    URI base() {
        return URI.create("https://" + ip + ":" + tlsPort + "/wsemail");
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

    /** Kills the server's JVM outright (SIGKILL), as a crash or a pulled plug would; returns once it is gone. */
    void kill() throws InterruptedException {
        List<ProcessHandle> running = processes().toList();
        running.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle process : running) {
            process.onExit().join();
        }
    }

    /** Adds settings to a file in {@code etc/}; a running server picks them up as an administrator's edit. */
    void settings(String file, String... lines) throws IOException {
        Files.write(etc(file), List.of(lines), StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
    }

    /** The server JVM's heap in use right after a full collection, in bytes, as jcmd reports it. */
    long heapUsedAfterGc() throws IOException, InterruptedException {
        long pid = processes().findFirst().orElseThrow(() -> new IllegalStateException(domain + " is not running")).pid();
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        java.util.regex.Matcher used = java.util.regex.Pattern.compile("used (\\d+)K").matcher(info);
        if (!used.find()) {
            throw new IllegalStateException("no heap figure in: " + info);
        }
        return Long.parseLong(used.group(1)) * 1024;
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("jcmd", String.valueOf(pid), command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + pid + " " + command + " failed: " + output);
        }
        return output;
    }

    /** True while a JVM started from this server's folder is alive (it still holds the database). */
    private boolean javaProcessRunning() {
        return processes().findAny().isPresent();
    }

    /** The server's JVMs: Karaf started from this folder (not a command-line client's agent, whose jars live here too). */
    private java.util.stream.Stream<ProcessHandle> processes() {
        String folder = home.toString();
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine()
                .map(c -> c.contains(folder) && c.contains("org.apache.karaf.main.Main")).orElse(false));
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

    /** Ready: the endpoints of other servers and of clients are both published (each comes into being on its own). */
    private boolean isUp() {
        return serves("/peer?wsdl") && serves("/client?wsdl");
    }

    private boolean serves(String path) {
        try {
            HttpsURLConnection connection = (HttpsURLConnection) URI.create(base() + path).toURL().openConnection();
            connection.setSSLSocketFactory(tls.getSocketFactory());
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
        String output = AdminShell.run(sshPort, "admin", ADMIN_PASSWORD, String.join("\n", commands));
        if (output.contains("Error executing command") || output.contains("Command not found")) {
            throw new AssertionError("a shell command failed on " + domain + ": " + output);
        }
        return output;
    }

    /**
     * A file holding this password, readable by its owner only, for the shell's
     * {@code --password-file}: passwords are never given on the command line.
     */
    static String passwordFile(String password) {
        return org.wsemail.itests.PasswordFiles.of(password);
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

    /**
     * The log written after {@code mark} once {@code seen} holds for it, or as it is when {@code within}
     * has passed: the server writes its log in the background.
     */
    String awaitLog(long mark, java.util.function.Predicate<String> seen, Duration within) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        String log = logSince(mark);
        while (!seen.test(log) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            log = logSince(mark);
        }
        return log;
    }

    private Path etc(String file) {
        return home.resolve("etc").resolve(file);
    }

    /** Where Debian's libfaketime package puts the library, by architecture. */
    private static final List<Path> FAKETIME_LIBRARIES = List.of(
            Path.of("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"),
            Path.of("/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1"),
            Path.of("/usr/lib/faketime/libfaketime.so.1"));

    /**
     * Runs the server (from its next start) with its clock this far ahead of the machine's, through
     * libfaketime (Debian package libfaketime), as a domain whose clock is set wrong would.
     */
    void clockAhead(java.time.Duration ahead) {
        Path library = FAKETIME_LIBRARIES.stream().filter(Files::exists).findFirst().orElseThrow(() -> new IllegalStateException(
                "libfaketime is not installed (apt-get install libfaketime): looked for " + FAKETIME_LIBRARIES));
        environment.put("LD_PRELOAD", library.toString());
        environment.put("FAKETIME", "+" + ahead.toSeconds() + "s");
    }

    /** Writes a file in {@code etc/} anew, replacing what the distribution shipped. */
    void write(String file, String... lines) throws IOException {
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
