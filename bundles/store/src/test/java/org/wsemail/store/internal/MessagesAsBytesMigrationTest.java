package org.wsemail.store.internal;

import static org.junit.Assert.assertEquals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import org.junit.Rule;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameters;
import org.wsemail.api.Address;
import org.wsemail.api.MailMessage;
import org.wsemail.api.server.DatabaseManager;
import org.wsemail.api.server.DatabaseManager.Schema;
import org.wsemail.api.server.SignedMail;
import org.wsemail.api.server.StoredMessage;
import org.wsemail.db.internal.PooledDatabaseManager;
import org.wsemail.testing.TestDatabase;

/**
 * Mailboxes of a build that kept the signed XML as text: after the migration to bytes, every
 * message reads exactly as it was stored, with its size, and new ones are stored beside them.
 */
@RunWith(Parameterized.class)
public class MessagesAsBytesMigrationTest {
    private static final Address BOB = Address.parse("bob@b.test");
    private static final String SIGNED = "<wse:Message xmlns:wse=\"urn:x\">Grüße aus Köln ✉ " + "ü".repeat(3000) + "</wse:Message>";

    @Parameters(name = "{0}")
    public static List<String> kinds() {
        return TestDatabase.KINDS;
    }

    @Rule
    public final TestDatabase db;

    public MessagesAsBytesMigrationTest(String kind) {
        this.db = TestDatabase.of(kind);
    }

    @Test
    public void aMessageStoredAsTextReadsTheSameAfterTheMigrationAndNewOnesAreStoredBeside() throws Exception {
        DatabaseManager database = new PooledDatabaseManager(db.dataSource());
        database.migrate(new Schema("store", StoreSchema.class, StoreSchema.SCHEMA.migrations().subList(0, 4)));
        long size = SIGNED.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        try (Connection c = db.dataSource().getConnection()) {
            try (PreparedStatement user = c.prepareStatement("INSERT INTO users (address, password_hash, created_at, used_bytes)"
                    + " VALUES (?, 'not a hash', ?, ?)")) {
                user.setString(1, BOB.toString());
                user.setTimestamp(2, Timestamp.from(Instant.now()));
                user.setLong(3, size);
                user.executeUpdate();
            }
            try (PreparedStatement message = c.prepareStatement("INSERT INTO messages (mailbox, message_id, sender, subject,"
                    + " sent_at, flags, size_bytes, signed_xml, stored_at) VALUES (?, 'm-old', 'alice@a.test', 'before', ?, 0, ?, ?, ?)")) {
                message.setString(1, BOB.toString());
                message.setTimestamp(2, Timestamp.from(Instant.parse("2026-11-28T10:00:00Z")));
                message.setLong(3, size);
                message.setString(4, SIGNED);
                message.setTimestamp(5, Timestamp.from(Instant.now()));
                message.executeUpdate();
            }
        }

        JdbcMailStore store = new JdbcMailStore(database, 0);

        long old = store.headers(BOB, Instant.EPOCH).get(0).id();
        StoredMessage read = store.retrieve(BOB, old).orElseThrow();
        assertEquals(SIGNED, read.signedXml());
        assertEquals(size, read.header().size());
        MailMessage next = MailMessage.builder().messageId("m-new").sender(Address.parse("alice@a.test")).recipient(BOB)
                .subject("after").body("hi").timestamp(Instant.parse("2026-11-28T11:00:00Z")).build();
        long stored = store.store(BOB, new SignedMail(next, SIGNED + " "));
        assertEquals(SIGNED + " ", store.retrieve(BOB, stored).orElseThrow().signedXml());
        assertEquals(List.of(old, stored), store.headers(BOB, Instant.EPOCH).stream().map(h -> h.id()).toList());
    }
}
