package org.wsemail.db.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import org.apache.derby.jdbc.EmbeddedDataSource;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Migrations on a real embedded Derby database in files on disk. */
public class SchemaMigratorTest {
    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    private EmbeddedDataSource derby;
    private Path databaseDir;

    @Before
    public void createDatabase() throws Exception {
        databaseDir = folder.getRoot().toPath().resolve("derby");
        derby = new EmbeddedDataSource();
        derby.setDatabaseName(databaseDir.toString());
        derby.setCreateDatabase("create");
    }

    @After
    public void shutDown() {
        EmbeddedDataSource shutdown = new EmbeddedDataSource();
        shutdown.setDatabaseName(databaseDir.toString());
        shutdown.setShutdownDatabase("shutdown");
        try (Connection ignored = shutdown.getConnection()) {
            fail("Derby reports a shutdown as an exception");
        } catch (SQLException expected) {
            // 08006: the database was shut down
        }
    }

    @Test
    public void migratesAnEmptyDatabaseToTheLatestVersionOnceAndOnlyOnce() throws Exception {
        int latest = SchemaMigrator.MIGRATIONS.get(SchemaMigrator.MIGRATIONS.size() - 1).version();

        assertEquals(latest, SchemaMigrator.migrate(derby));
        assertTrue("the database lives in files on disk", Files.isDirectory(databaseDir.resolve("seg0")));
        assertEquals("a second start applies nothing", latest, SchemaMigrator.migrate(derby));

        try (Connection connection = derby.getConnection(); Statement statement = connection.createStatement()) {
            try (ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM schema_version")) {
                rows.next();
                assertEquals(SchemaMigrator.MIGRATIONS.size(), rows.getInt(1));
            }
            statement.executeUpdate("INSERT INTO users (address, password_hash, created_at)"
                    + " VALUES ('bob@b.test', 'x', CURRENT_TIMESTAMP)");
            statement.executeUpdate("INSERT INTO messages (mailbox, message_id, sender, subject, sent_at, flags,"
                    + " size_bytes, signed_xml, stored_at) VALUES ('bob@b.test', 'm1', 'alice@a.test', 's',"
                    + " CURRENT_TIMESTAMP, 0, 1, '<m/>', CURRENT_TIMESTAMP)");
            try {
                statement.executeUpdate("INSERT INTO messages (mailbox, message_id, sender, subject, sent_at, flags,"
                        + " size_bytes, signed_xml, stored_at) VALUES ('bob@b.test', 'm1', 'alice@a.test', 's',"
                        + " CURRENT_TIMESTAMP, 0, 1, '<m/>', CURRENT_TIMESTAMP)");
                fail("a message id is stored once per mailbox");
            } catch (SQLException expected) {
                assertEquals("23505", expected.getSQLState());
            }
            statement.executeUpdate("DELETE FROM users WHERE address = 'bob@b.test'");
            try (ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM messages")) {
                rows.next();
                assertEquals("a deleted user's mailbox goes with them", 0, rows.getInt(1));
            }
        }
    }

    @Test
    public void countsConnectionsUntilTheyAreClosedOnce() throws Exception {
        CountingDataSource counting = new CountingDataSource(derby);
        Connection first = counting.getConnection();
        Connection second = counting.getConnection();
        assertEquals(2, counting.openConnections());
        first.close();
        first.close();
        assertEquals(1, counting.openConnections());
        second.close();
        assertEquals(0, counting.openConnections());
    }

    @Test
    public void splitsScriptsIntoStatementsAndRefusesAnUnterminatedOne() {
        assertEquals(List.of("CREATE TABLE a (x INT)", "CREATE INDEX i ON a\n(x)"),
                SchemaMigrator.statements("-- a comment\nCREATE TABLE a (x INT);\n\nCREATE INDEX i ON a\n(x);\n"));
        try {
            SchemaMigrator.statements("CREATE TABLE a (x INT)");
            fail("an unterminated statement must not be run half-read");
        } catch (IllegalStateException expected) {
            assertTrue(expected.getMessage().contains("semicolon"));
        }
    }
}
