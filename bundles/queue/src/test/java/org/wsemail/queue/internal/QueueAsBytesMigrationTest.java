package org.wsemail.queue.internal;

import static org.junit.Assert.assertEquals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.Rule;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameters;
import org.wsemail.api.Address;
import org.wsemail.api.server.DatabaseManager;
import org.wsemail.api.server.DatabaseManager.Schema;
import org.wsemail.db.internal.PooledDatabaseManager;
import org.wsemail.testing.TestDatabase;

/**
 * A queue of a build that kept the signed XML as text: after the migration to bytes, an entry
 * waiting in it is read for delivery exactly as it was queued.
 */
@RunWith(Parameterized.class)
public class QueueAsBytesMigrationTest {
    private static final String SIGNED = "<wse:Message xmlns:wse=\"urn:x\">Grüße aus Köln ✉ " + "ü".repeat(3000) + "</wse:Message>";

    @Parameters(name = "{0}")
    public static List<String> kinds() {
        return TestDatabase.KINDS;
    }

    @Rule
    public final TestDatabase db;

    public QueueAsBytesMigrationTest(String kind) {
        this.db = TestDatabase.of(kind);
    }

    @Test
    public void anEntryQueuedAsTextIsReadTheSameAfterTheMigration() throws Exception {
        DatabaseManager database = new PooledDatabaseManager(db.dataSource());
        database.migrate(new Schema("queue", QueueEntries.class, QueueEntries.SCHEMA.migrations().subList(0, 2)));
        Instant now = Instant.parse("2026-11-28T12:00:00Z");
        try (Connection c = db.dataSource().getConnection(); PreparedStatement insert = c.prepareStatement(
                "INSERT INTO queue_entries (message_id, sender, domain, recipients, signed_xml, attempts, next_attempt,"
                        + " expires_at, last_error, created_at, claimed_by) VALUES ('m-old', 'alice@a.test', 'b.test',"
                        + " 'bob@b.test,beth@b.test', ?, 2, ?, ?, 'b.test did not answer', ?, NULL)")) {
            insert.setString(1, SIGNED);
            insert.setTimestamp(2, Timestamp.from(now));
            insert.setTimestamp(3, Timestamp.from(now.plus(Duration.ofDays(1))));
            insert.setTimestamp(4, Timestamp.from(now.minusSeconds(600)));
            insert.executeUpdate();
        }
        long id;
        try (Connection c = db.dataSource().getConnection(); Statement select = c.createStatement();
                ResultSet rows = select.executeQuery("SELECT id FROM queue_entries")) {
            rows.next();
            id = rows.getLong(1);
        }

        QueueEntries entries = new QueueEntries(database, Clock.fixed(now, java.time.ZoneOffset.UTC), Duration.ofDays(1),
                "node-1", Duration.ofMinutes(1));

        QueueEntries.Entry entry = entries.entries(List.of(id)).get(0);
        assertEquals(SIGNED, entry.signedXml());
        assertEquals(List.of(Address.parse("bob@b.test"), Address.parse("beth@b.test")), entry.recipients());
        assertEquals(2, entry.attempts());
        assertEquals("b.test did not answer", entry.lastError());
        assertEquals(1, entries.list().size());
    }
}
