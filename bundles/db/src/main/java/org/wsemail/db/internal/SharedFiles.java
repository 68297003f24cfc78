package org.wsemail.db.internal;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsemail.api.server.DatabaseManager;
import org.wsemail.api.server.ServerNodes;

/**
 * Keeps the domain's key files the same on every node, through the database ({@code shared_files}):
 * by default the domain's certificate authority (its key store, certificate and revocation list),
 * the certificates it issued, the trusted roots with the domains each may certify, and revocation
 * lists an administrator placed. Each node keeps its own server key and certificate. A file created
 * or changed on one node (by {@code wsemail:ca-create}, {@code cert-issue-user}, {@code cert-revoke},
 * {@code trust-add}, or by hand) is written to the database with a new version; every node looks
 * every few seconds and writes a newer version over its own copy (atomically, readable by the owner
 * only). At start the database's version wins over a node's own unless this node wrote it last.
 * A file deleted on one node is not deleted on the others (it comes back from the database): keys
 * and revocation lists are replaced, never removed. Only on PostgreSQL, the database nodes share:
 * embedded Derby serves one node, and the key files need not be copied into it.
 *
 * <p>The key stores stay encrypted with their passwords ({@code ca.password}, {@code
 * truststore.password}), which every node must be given alike in its {@code org.wsemail.security.cfg}.
 */
@Component(immediate = true, configurationPid = SharedSettings.PID)
public class SharedFiles {
    /** A file changed this recently may be half written: it is shared at a later look. */
    private static final Duration SETTLE = Duration.ofMillis(500);
    private static final Logger LOG = LoggerFactory.getLogger(SharedFiles.class);

    @ObjectClassDefinition(name = "WSEmail files shared by the nodes")
    public @interface Config {
        @AttributeDefinition(name = "Shared files", description = "Files and folders below etc kept the same on every node")
        String[] files() default {"wsemail-ca.p12", "wsemail-ca.pem", "wsemail-ca.crl", "wsemail-issued", "wsemail-trust.p12",
            "wsemail-trust-domains.properties", "wsemail-crls"};

        @AttributeDefinition(name = "Look interval (ms)", description = "How often this node looks for other nodes' changes")
        long interval_ms() default 2000;
    }

    private final DatabaseManager database;
    private final Path etc;
    private final String node;
    private final Set<String> names;
    private final Clock clock;
    /** The digest of each file as this node last wrote, read or uploaded it: a local file that differs was changed here. */
    private final Map<String, String> inStep = new ConcurrentHashMap<>();
    /** The digest of each local file, by the size and modification time it had when read, so that unchanged files are not read again. */
    private final Map<String, Read> readHere = new ConcurrentHashMap<>();
    private ScheduledExecutorService looks;

    @Activate
    public SharedFiles(Config config, @Reference DatabaseManager database, @Reference ServerNodes nodes) {
        this(database, Path.of(System.getProperty("karaf.etc", "etc")), nodes.self(), Set.of(config.files()), Clock.systemUTC());
        if (database.status().isPostgreSql()) {
            looks = Executors.newSingleThreadScheduledExecutor(task -> new Thread(task, "wsemail-shared-files"));
            looks.execute(() -> synchronize(true));
            looks.scheduleWithFixedDelay(() -> synchronize(false), config.interval_ms(), config.interval_ms(), TimeUnit.MILLISECONDS);
        }
    }

    SharedFiles(DatabaseManager database, Path etc, String node, Set<String> names, Clock clock) {
        this.database = database;
        this.etc = etc.toAbsolutePath().normalize();
        this.node = node;
        this.names = names;
        this.clock = clock;
    }

    @Deactivate
    void deactivate() {
        if (looks != null) {
            looks.shutdownNow();
        }
    }

    /** What the database holds of a file. */
    private record Shared(String digest, long version, String writtenBy) {
    }

    /**
     * Shares what changed here and takes what changed elsewhere. At start, a file that differs from
     * the database's is taken from there unless this node wrote it last. Never throws.
     */
    void synchronize(boolean starting) {
        try {
            Map<String, Path> local = scan();
            Map<String, Shared> shared = read();
            Set<String> paths = new TreeSet<>(local.keySet());
            paths.addAll(shared.keySet());
            for (String path : paths) {
                try {
                    synchronize(path, local.get(path), shared.get(path), starting);
                } catch (IllegalArgumentException e) {
                    LOG.error("Not taking {} from the database: {}", path, e.getMessage());
                }
            }
        } catch (IOException | SQLException | RuntimeException e) {
            LOG.warn("Cannot bring the key files in step with the other nodes (the database out of reach?): {}", e.getMessage());
        }
    }

    private void synchronize(String path, Path file, Shared theirs, boolean starting) throws IOException, SQLException {
        String mine = file == null ? null : localDigest(path, file);
        if (theirs != null && theirs.digest().equals(mine)) {
            inStep.put(path, mine);
            return;
        }
        boolean changedHere = mine != null && !mine.equals(inStep.get(path))
                && !(starting && theirs != null && !theirs.writtenBy().equals(node));
        if (changedHere) {
            if (settled(file)) {
                upload(path, Files.readAllBytes(file));
            }
        } else if (theirs != null) {
            download(path);
        }
    }

    /** A local file as last read: read again only once its size or modification time changed. */
    private record Read(FileTime modified, long size, String digest) {
    }

    private String localDigest(String path, Path file) throws IOException {
        FileTime modified = Files.getLastModifiedTime(file);
        long size = Files.size(file);
        Read last = readHere.get(path);
        if (last != null && last.modified().equals(modified) && last.size() == size) {
            return last.digest();
        }
        String digest = digest(Files.readAllBytes(file));
        readHere.put(path, new Read(modified, size, digest));
        return digest;
    }

    /** The shared files present here, by their path below etc. */
    private Map<String, Path> scan() throws IOException {
        Map<String, Path> found = new HashMap<>();
        for (String name : names) {
            Path entry = etc.resolve(name);
            if (Files.isDirectory(entry)) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(entry)) {
                    for (Path file : files) {
                        String fileName = file.getFileName().toString();
                        if (Files.isRegularFile(file) && !fileName.startsWith(".") && !fileName.endsWith(".tmp")) {
                            found.put(name + "/" + fileName, file);
                        }
                    }
                }
            } else if (Files.isRegularFile(entry)) {
                found.put(name, entry);
            }
        }
        return found;
    }

    private boolean settled(Path file) throws IOException {
        return Files.getLastModifiedTime(file).toInstant().isBefore(clock.instant().minus(SETTLE));
    }

    private Map<String, Shared> read() throws SQLException {
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement select = c.prepareStatement("SELECT path, digest, version, written_by FROM shared_files");
                ResultSet rows = select.executeQuery()) {
            Map<String, Shared> shared = new HashMap<>();
            while (rows.next()) {
                shared.put(rows.getString(1), new Shared(rows.getString(2), rows.getLong(3), rows.getString(4)));
            }
            return shared;
        }
    }

    private void upload(String path, byte[] content) throws SQLException {
        String digest = digest(content);
        String encoded = Base64.getEncoder().encodeToString(content);
        long version = database.inTransaction(c -> VersionedRows.write(c, "shared_files", "path", path,
                Map.of("content", encoded, "digest", digest), node, clock.instant()));
        inStep.put(path, digest);
        LOG.info("Shared {} with the other nodes (version {})", path, version);
    }

    private void download(String path) throws SQLException, IOException {
        Path target = within(path);
        byte[] content;
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement select = c.prepareStatement("SELECT content, version, written_by FROM shared_files WHERE path = ?")) {
            select.setString(1, path);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    return;
                }
                content = Base64.getDecoder().decode(rows.getString(1));
                LOG.info("Took {} as node {} changed it (version {})", path, rows.getString(3), rows.getLong(2));
            }
        }
        Files.createDirectories(target.getParent());
        Path temporary = Files.createTempFile(target.getParent(), ".shared", ".tmp");
        try {
            ownerOnly(temporary);
            Files.write(temporary, content);
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
        inStep.put(path, digest(content));
    }

    /**
     * Where a file the database names goes: one of the shared names below etc, or a file directly in
     * one of the shared folders, never elsewhere, whatever the database says.
     */
    Path within(String path) {
        List<String> parts = List.of(path.split("/", -1));
        boolean named = !parts.isEmpty() && names.contains(parts.get(0)) && parts.size() <= 2
                && parts.stream().noneMatch(part -> part.isEmpty() || part.equals(".") || part.equals(".."));
        Path target = etc.resolve(path).normalize();
        if (!named || !target.startsWith(etc)) {
            throw new IllegalArgumentException("the database names a file that is not one of the shared files: " + path);
        }
        return target;
    }

    private static void ownerOnly(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException | AccessDeniedException e) {
            LOG.debug("Cannot restrict {} to its owner: {}", file, e.getMessage());
        }
    }

    private static String digest(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
