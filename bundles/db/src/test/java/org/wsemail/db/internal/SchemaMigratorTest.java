package org.wsemail.db.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.junit.Rule;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameters;
import org.wsemail.api.server.DatabaseManager;
import org.wsemail.api.server.DatabaseManager.Migration;
import org.wsemail.api.server.DatabaseManager.Schema;
import org.wsemail.testing.EmbeddedDerby;
import org.wsemail.testing.TestDatabase;

/** Components' migrations, and transactions, on real databases: embedded Derby in files on disk, and PostgreSQL. */
@RunWith(Parameterized.class)
public class SchemaMigratorTest {
    private static final Migration THINGS = new Migration(1, "things", "V1__things.sql");
    private static final Migration BY_NAME = new Migration(2, "things by name", "V2__things_by_name.sql");

    @Parameters(name = "{0}")
    public static List<String> kinds() {
        return TestDatabase.KINDS;
    }

    @Rule
    public final TestDatabase db;

    public SchemaMigratorTest(String kind) {
        this.db = TestDatabase.of(kind);
    }

    @Test
    public void aComponentsScriptsAreAppliedInOrderOnceAndOnlyOnce() throws Exception {
        DatabaseManager database = new PooledDatabaseManager(db.dataSource());

        assertEquals(1, database.migrate(new Schema("things", getClass(), List.of(THINGS))));
        if (db instanceof EmbeddedDerby derby) {
            assertTrue("the database lives in files on disk", Files.isDirectory(derby.directory().resolve("seg0")));
        }
        assertEquals("a new script is applied on the next start", 2,
                database.migrate(new Schema("things", getClass(), List.of(THINGS, BY_NAME))));
        assertEquals("a third start applies nothing", 2,
                new PooledDatabaseManager(db.dataSource()).migrate(new Schema("things", getClass(), List.of(THINGS, BY_NAME))));
        assertEquals("another component's versions are its own", 1,
                database.migrate(new Schema("other", getClass(), List.of(new Migration(1, "x", "V1__other.sql")))));
        assertEquals(Map.of("things", 2, "other", 1), database.status().schemaVersions());
        try (Connection connection = db.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.executeUpdate("INSERT INTO things (id, name) VALUES (1, 'a')");
            try {
                statement.executeUpdate("INSERT INTO things (id, name) VALUES (2, 'a')");
                fail("the second script made names unique");
            } catch (SQLException expected) {
                assertEquals("23505", expected.getSQLState());
            }
        }
    }

    @Test
    public void aFailingScriptLeavesNothingOfItselfAndIsNotRecorded() throws Exception {
        DatabaseManager database = new PooledDatabaseManager(db.dataSource());
        try {
            database.migrate(new Schema("things", getClass(), List.of(THINGS, BY_NAME, new Migration(3, "broken", "V3__broken.sql"))));
            fail("a broken script was applied");
        } catch (SQLException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("V3__broken.sql of things"));
        }
        assertEquals("the scripts before it stay", Map.of("things", 2), database.status().schemaVersions());
        assertFalse("its first statement was rolled back", tableExists("HALF_DONE"));
    }

    @Test
    public void componentsStartingAtOnceApplyEachScriptOnce() throws Exception {
        DataSource dataSource = db.dataSource();
        new PooledDatabaseManager(dataSource);
        ExecutorService starts = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> versions = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Callable<Integer> start = () -> new PooledDatabaseManager(dataSource)
                        .migrate(new Schema("things", getClass(), List.of(THINGS, BY_NAME)));
                versions.add(starts.submit(start));
            }
            for (Future<Integer> version : versions) {
                assertEquals(Integer.valueOf(2), version.get());
            }
        } finally {
            starts.shutdownNow();
        }
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM schema_versions WHERE component = 'things'")) {
            rows.next();
            assertEquals("one record per script", 2, rows.getInt(1));
        }
    }

    @Test
    public void aDatabaseOfTheSharedVersionTableIsRecordedPerComponent() throws Exception {
        try (Connection connection = db.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE schema_version (version INTEGER NOT NULL PRIMARY KEY,"
                    + " description VARCHAR(200) NOT NULL, applied_at TIMESTAMP NOT NULL)");
            for (int version = 1; version <= 3; version++) {
                statement.execute("INSERT INTO schema_version VALUES (" + version + ", 'v', CURRENT_TIMESTAMP)");
            }
        }
        DatabaseManager database = new PooledDatabaseManager(db.dataSource());
        assertEquals(Map.of("store", 1, "queue", 1), database.status().schemaVersions());
    }

    @Test
    public void aConversionTurnsStoredTextIntoBytesAndTheTextColumnCanGo() throws Exception {
        DatabaseManager database = new PooledDatabaseManager(db.dataSource());
        Migration notes = new Migration(1, "notes", "V1__notes.sql");
        database.migrate(new Schema("notes", getClass(), List.of(notes)));
        String long100k = "ein langer Brief, Grüße ✉ ".repeat(4000);
        Map<Long, String> texts = new java.util.TreeMap<>(Map.of(1L, "Grüße aus Köln ✉", 2L, long100k, 3L, ""));
        for (long id = 10; id < 260; id++) {
            texts.put(id, "note " + id);
        }
        try (Connection connection = db.dataSource().getConnection();
                java.sql.PreparedStatement insert = connection.prepareStatement("INSERT INTO notes (id, text) VALUES (?, ?)")) {
            for (Map.Entry<Long, String> text : texts.entrySet()) {
                insert.setLong(1, text.getKey());
                insert.setString(2, text.getValue());
                insert.executeUpdate();
            }
        }

        assertEquals(3, database.migrate(new Schema("notes", getClass(), List.of(notes,
                new Migration(2, "notes as bytes", "V2__notes_as_bytes.sql", Migration.textToUtf8("notes", "text", "utf8")),
                new Migration(3, "text dropped", "V3__notes_text_dropped.sql")))));

        Map<Long, String> read = new java.util.TreeMap<>();
        try (Connection connection = db.dataSource().getConnection(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT id, utf8 FROM notes")) {
            while (rows.next()) {
                read.put(rows.getLong(1), new String(rows.getBytes(2), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        assertEquals("every row's text came through as its UTF-8 bytes", texts, read);
        try (Connection connection = db.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.executeUpdate("INSERT INTO notes (id) VALUES (1000)");
            fail("a row without bytes was stored");
        } catch (SQLException expected) {
            assertTrue(expected.getSQLState(), expected.getSQLState().startsWith("23"));
        }
    }

    @Test
    public void aFailingConversionTakesItsScriptBackWithIt() throws Exception {
        DatabaseManager database = new PooledDatabaseManager(db.dataSource());
        Migration notes = new Migration(1, "notes", "V1__notes.sql");
        try {
            database.migrate(new Schema("notes", getClass(), List.of(notes, new Migration(2, "notes as bytes",
                    "V2__notes_as_bytes.sql", connection -> {
                        throw new SQLException("the conversion broke");
                    }))));
            fail("a failed conversion was recorded");
        } catch (SQLException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("V2__notes_as_bytes.sql of notes")
                    && expected.getMessage().contains("the conversion broke"));
        }
        assertEquals(Map.of("notes", 1), database.status().schemaVersions());
        try (Connection connection = db.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.executeQuery("SELECT utf8 FROM notes").close();
            fail("the script's column stayed");
        } catch (SQLException expected) {
            assertTrue(expected.getSQLState(), expected.getSQLState().startsWith("42"));
        }
    }

    @Test
    public void workRolledBackForALockConflictRunsAgainAndOtherFailuresDoNot() throws Exception {
        DatabaseManager database = new PooledDatabaseManager(db.dataSource());
        database.migrate(new Schema("things", getClass(), List.of(THINGS)));
        AtomicInteger runs = new AtomicInteger();
        int id = database.inTransaction(c -> {
            try (Statement statement = c.createStatement()) {
                statement.executeUpdate("INSERT INTO things (id, name) VALUES (" + (10 + runs.incrementAndGet()) + ", 'x')");
            }
            if (runs.get() < 3) {
                throw new SQLException("deadlock", "40001");
            }
            return runs.get();
        });
        assertEquals(3, id);
        assertEquals("only the committed run's row is stored", 1, count("things"));

        AtomicInteger failing = new AtomicInteger();
        try {
            database.inTransaction(c -> {
                failing.incrementAndGet();
                throw new SQLException("constraint", "23505");
            });
            fail("the failure was swallowed");
        } catch (SQLException expected) {
            assertEquals("23505", expected.getSQLState());
        }
        assertEquals("a failure that is not a lock conflict runs once", 1, failing.get());
    }

    @Test
    public void countsConnectionsUntilTheyAreClosedOnce() throws Exception {
        CountingDataSource counting = new CountingDataSource(db.dataSource());
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

    /** Whether the table exists, under its name as Derby (upper case) or PostgreSQL (lower case) keeps it. */
    private boolean tableExists(String name) throws SQLException {
        try (Connection connection = db.dataSource().getConnection()) {
            for (String kept : List.of(name.toUpperCase(java.util.Locale.ROOT), name.toLowerCase(java.util.Locale.ROOT))) {
                try (ResultSet tables = connection.getMetaData().getTables(null, null, kept, null)) {
                    if (tables.next()) {
                        return true;
                    }
                }
            }
            return false;
        }
    }

    private int count(String table) throws SQLException {
        try (Connection connection = db.dataSource().getConnection(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rows.next();
            return rows.getInt(1);
        }
    }
}
