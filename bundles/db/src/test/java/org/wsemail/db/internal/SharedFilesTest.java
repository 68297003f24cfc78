package org.wsemail.db.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameters;
import org.wsemail.testing.TestDatabase;

/** Two nodes' key files kept the same through the shared database. */
@RunWith(Parameterized.class)
public class SharedFilesTest {
    private static final Set<String> SHARED = Set.of("wsemail-ca.p12", "wsemail-ca.crl", "wsemail-issued");

    @Parameters(name = "{0}")
    public static List<String> kinds() {
        return TestDatabase.KINDS;
    }

    @Rule
    public final TestDatabase db;
    @Rule
    public final TemporaryFolder folders = new TemporaryFolder();

    public SharedFilesTest(String kind) {
        this.db = TestDatabase.of(kind);
    }

    private Path etcOne;
    private Path etcTwo;
    private PooledDatabaseManager database;

    @Before
    public void folders() throws Exception {
        etcOne = folders.newFolder("node-1", "etc").toPath();
        etcTwo = folders.newFolder("node-2", "etc").toPath();
        database = new PooledDatabaseManager(db.dataSource());
        database.migrate(JdbcServerNodes.SCHEMA);
    }

    private SharedFiles node(Path etc, String name) {
        return new SharedFiles(database, etc, name, SHARED, Clock.systemUTC());
    }

    /** Writes a file as a command would, some time ago: a file written this instant may be half written, so waits. */
    private static void write(Path file, String content) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(5)));
    }

    @Test
    public void aFileCreatedOrChangedOnOneNodeReachesTheOtherOwnerOnly() throws Exception {
        SharedFiles one = node(etcOne, "node-1");
        SharedFiles two = node(etcTwo, "node-2");
        write(etcOne.resolve("wsemail-ca.p12"), "the CA key store");
        write(etcOne.resolve("wsemail-issued/1a.pem"), "an issued certificate");
        write(etcOne.resolve("wsemail-server.p12"), "node 1's own server key");
        one.synchronize(true);
        two.synchronize(true);
        assertEquals("the CA key store", Files.readString(etcTwo.resolve("wsemail-ca.p12")));
        assertEquals("an issued certificate", Files.readString(etcTwo.resolve("wsemail-issued/1a.pem")));
        assertFalse("a node's own key is not shared", Files.exists(etcTwo.resolve("wsemail-server.p12")));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(etcTwo.resolve("wsemail-ca.p12"))));

        write(etcTwo.resolve("wsemail-ca.crl"), "a list revoking 1a");
        two.synchronize(false);
        one.synchronize(false);
        assertEquals("a list revoking 1a", Files.readString(etcOne.resolve("wsemail-ca.crl")));

        write(etcOne.resolve("wsemail-ca.crl"), "a list revoking 1a and 2b");
        one.synchronize(false);
        two.synchronize(false);
        assertEquals("a change of a file the other node sent is sent back", "a list revoking 1a and 2b",
                Files.readString(etcTwo.resolve("wsemail-ca.crl")));
    }

    @Test
    public void atStartTheDatabaseWinsUnlessThisNodeWroteLastAndAFileWrittenThisInstantWaits() throws Exception {
        SharedFiles one = node(etcOne, "node-1");
        write(etcOne.resolve("wsemail-ca.crl"), "the domain's list");
        one.synchronize(true);

        write(etcTwo.resolve("wsemail-ca.crl"), "an old list left on node 2");
        SharedFiles two = node(etcTwo, "node-2");
        two.synchronize(true);
        assertEquals("the domain's list", Files.readString(etcTwo.resolve("wsemail-ca.crl")));

        write(etcOne.resolve("wsemail-ca.crl"), "edited while node 1 was stopped");
        node(etcOne, "node-1").synchronize(true);
        two.synchronize(false);
        assertEquals("node 1 wrote last: its own edit wins", "edited while node 1 was stopped",
                Files.readString(etcTwo.resolve("wsemail-ca.crl")));

        Files.writeString(etcOne.resolve("wsemail-ca.crl"), "being written");
        one.synchronize(false);
        two.synchronize(false);
        assertEquals("not shared before it settles", "edited while node 1 was stopped",
                Files.readString(etcTwo.resolve("wsemail-ca.crl")));
    }

    @Test
    public void aPathTheDatabaseNamesOutsideTheSharedFilesIsNeverWritten() throws Exception {
        byte[] evil = "#!/bin/sh\necho owned\n".getBytes(StandardCharsets.UTF_8);
        for (String path : List.of("../bin/karaf", "wsemail-issued/../../bin/karaf", "org.wsemail.security.cfg",
                "wsemail-issued/a/b")) {
            try (Connection c = db.dataSource().getConnection();
                    PreparedStatement insert = c.prepareStatement("INSERT INTO shared_files (path, content, digest, version,"
                            + " written_by, written_at) VALUES (?, ?, ?, 1, 'node-x', ?)")) {
                insert.setString(1, path);
                insert.setString(2, java.util.Base64.getEncoder().encodeToString(evil));
                insert.setString(3, "0".repeat(64));
                insert.setTimestamp(4, Timestamp.from(Instant.now()));
                insert.executeUpdate();
            }
        }
        write(etcOne.resolve("wsemail-ca.p12"), "the CA key store");
        SharedFiles one = node(etcOne, "node-1");
        one.synchronize(true);
        SharedFiles two = node(etcTwo, "node-2");
        two.synchronize(true);
        assertFalse(Files.exists(etcTwo.resolveSibling("bin")));
        assertFalse(Files.exists(etcTwo.resolve("org.wsemail.security.cfg")));
        assertFalse(Files.exists(etcTwo.resolve("wsemail-issued/a")));
        assertArrayEquals("the files that are shared still are", "the CA key store".getBytes(StandardCharsets.UTF_8),
                Files.readAllBytes(etcTwo.resolve("wsemail-ca.p12")));
    }
}
