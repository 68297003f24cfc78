package org.wsemail.store.internal;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.wsemail.api.Address;
import org.wsemail.api.MailMessage;
import org.wsemail.api.MessageFlag;
import org.wsemail.api.server.DatabaseManager;
import org.wsemail.api.server.MailboxFullException;
import org.wsemail.api.server.MailStore;
import org.wsemail.api.server.MessageHeader;
import org.wsemail.api.server.SignedMail;
import org.wsemail.api.server.StoredMessage;
import org.wsemail.api.server.UnknownUserException;

/**
 * Mailboxes in the {@code messages} table, each one's size kept in its user's row; every method is
 * one transaction. A message that would take its mailbox beyond {@code quota.mib} of {@value #PID}
 * is refused ({@link MailboxFullException}); a message already stored is never refused.
 */
@Component(service = MailStore.class, configurationPid = JdbcMailStore.PID)
@Designate(ocd = JdbcMailStore.Config.class)
public class JdbcMailStore implements MailStore {
    static final String PID = "org.wsemail.mailboxes";

    @ObjectClassDefinition(name = "WSEmail mailboxes")
    public @interface Config {
        @AttributeDefinition(name = "Mailbox quota (MiB)",
                description = "The most a mailbox may hold, messages as signed; 0 no quota")
        long quota_mib() default 1_024;
    }

    private static final String DUPLICATE_KEY = "23505";
    private static final int MAX_SUBJECT = 2000;

    private final DatabaseManager database;
    private final long quotaBytes;

    @Activate
    public JdbcMailStore(Config config, @Reference DatabaseManager database) {
        this(database, config.quota_mib() << 20);
    }

    /** @param quotaBytes the most a mailbox may hold; 0 no quota */
    JdbcMailStore(DatabaseManager database, long quotaBytes) {
        this.database = database;
        this.quotaBytes = quotaBytes;
        StoreSchema.migrate(database);
    }

    /**
     * Adds the message's size to its mailbox's (the user's row is locked from then on, so that
     * deliveries to one mailbox take turns and none goes beyond the quota), then stores it; a message
     * stored before is not stored again and its number is returned.
     */
    @Override
    public long store(Address mailbox, SignedMail mail) throws UnknownUserException {
        byte[] signed = mail.signedXml().getBytes(StandardCharsets.UTF_8);
        long size = signed.length;
        try {
            // Deliveries run concurrently: a store the database rolls back for a lock conflict runs again.
            return database.inTransaction(c -> {
                // A failed statement spoils the rest of a PostgreSQL transaction unless rolled back to a savepoint.
                java.sql.Savepoint beforeStore = c.setSavepoint();
                if (!addToUsage(c, mailbox, size)) {
                    // A message stored before is not refused for the quota when it comes again.
                    Long stored = quotaBytes > 0 ? existingId(c, mailbox, mail.messageId()) : null;
                    if (stored != null) {
                        return stored;
                    }
                    Long used = usage(c, mailbox);
                    if (used == null) {
                        throw new UnknownUserSignal();
                    }
                    throw new MailboxFullException(mailbox, used, size, quotaBytes);
                }
                try {
                    return insert(c, mailbox, mail.message(), signed);
                } catch (SQLException e) {
                    if (DUPLICATE_KEY.equals(e.getSQLState())) {
                        // Delivered before (a retried Deliver): one copy, its number, its size counted once.
                        c.rollback(beforeStore);
                        return existingId(c, mailbox, mail.messageId());
                    }
                    throw e;
                }
            });
        } catch (UnknownUserSignal e) {
            throw new UnknownUserException(mailbox);
        } catch (SQLException e) {
            throw new StoreException("cannot store message " + mail.messageId() + " for " + mailbox, e);
        }
    }

    /** The user is not there: carried out of the transaction, which it rolls back. */
    private static final class UnknownUserSignal extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnknownUserSignal() {
            super(null, null, false, false);
        }
    }

    /** Adds {@code size} to the mailbox's usage, unless that goes beyond the quota; false if not added (or no such user). */
    private boolean addToUsage(Connection c, Address mailbox, long size) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE users SET used_bytes = used_bytes + ? WHERE address = ?"
                + (quotaBytes > 0 ? " AND used_bytes + ? <= ?" : ""))) {
            update.setLong(1, size);
            update.setString(2, mailbox.toString());
            if (quotaBytes > 0) {
                update.setLong(3, size);
                update.setLong(4, quotaBytes);
            }
            return update.executeUpdate() == 1;
        }
    }

    /** The mailbox's usage; null if there is no such user. */
    private static Long usage(Connection c, Address mailbox) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT used_bytes FROM users WHERE address = ?")) {
            select.setString(1, mailbox.toString());
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? rows.getLong(1) : null;
            }
        }
    }

    /** Stores the message with its signed XML's UTF-8 bytes, which the database copies as they are; its size is theirs. */
    private static long insert(Connection c, Address mailbox, MailMessage message, byte[] signed) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO messages (mailbox, message_id, sender,"
                + " subject, sent_at, flags, size_bytes, signed_message, stored_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            insert.setString(1, mailbox.toString());
            insert.setString(2, message.messageId());
            insert.setString(3, message.sender().toString());
            insert.setString(4, truncate(message.subject()));
            insert.setTimestamp(5, Timestamp.from(message.timestamp()));
            insert.setInt(6, MessageFlag.toBits(message.flags()));
            insert.setLong(7, signed.length);
            insert.setBytes(8, signed);
            insert.setTimestamp(9, Timestamp.from(Instant.now()));
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    private static Long existingId(Connection c, Address mailbox, String messageId) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT id FROM messages WHERE mailbox = ? AND message_id = ?")) {
            select.setString(1, mailbox.toString());
            select.setString(2, messageId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? rows.getLong(1) : null;
            }
        }
    }

    private static String truncate(String subject) {
        return subject.length() <= MAX_SUBJECT ? subject : subject.substring(0, MAX_SUBJECT);
    }

    @Override
    public List<MessageHeader> headers(Address mailbox, Instant since) {
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement select = c.prepareStatement("SELECT id, sender, subject, sent_at, flags, size_bytes"
                        + " FROM messages WHERE mailbox = ? AND sent_at >= ? ORDER BY sent_at, id")) {
            select.setString(1, mailbox.toString());
            select.setTimestamp(2, Timestamp.from(since));
            try (ResultSet rows = select.executeQuery()) {
                List<MessageHeader> headers = new ArrayList<>();
                while (rows.next()) {
                    headers.add(header(rows));
                }
                return headers;
            }
        } catch (SQLException e) {
            throw new StoreException("cannot list the mailbox of " + mailbox, e);
        }
    }

    @Override
    public Optional<StoredMessage> retrieve(Address mailbox, long id) {
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement select = c.prepareStatement("SELECT id, sender, subject, sent_at, flags, size_bytes,"
                        + " signed_message FROM messages WHERE mailbox = ? AND id = ?")) {
            select.setString(1, mailbox.toString());
            select.setLong(2, id);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(new StoredMessage(header(rows), new String(rows.getBytes(7), StandardCharsets.UTF_8)))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read message " + id + " of " + mailbox, e);
        }
    }

    /** Deletes the messages and takes their sizes off the mailbox's, in one transaction. */
    @Override
    public int delete(Address mailbox, Collection<Long> ids) {
        if (ids.isEmpty()) {
            return 0;
        }
        String marks = String.join(",", java.util.Collections.nCopies(ids.size(), "?"));
        try {
            return database.inTransaction(c -> {
                // The user's row first, as a store locks it: deletes and stores of one mailbox take turns.
                try (PreparedStatement usage = c.prepareStatement("UPDATE users SET used_bytes = used_bytes"
                        + " - (SELECT COALESCE(SUM(size_bytes), 0) FROM messages WHERE mailbox = ? AND id IN (" + marks + "))"
                        + " WHERE address = ?")) {
                    int i = 1;
                    usage.setString(i++, mailbox.toString());
                    for (Long id : ids) {
                        usage.setLong(i++, id);
                    }
                    usage.setString(i, mailbox.toString());
                    usage.executeUpdate();
                }
                try (PreparedStatement delete = c.prepareStatement(
                        "DELETE FROM messages WHERE mailbox = ? AND id IN (" + marks + ")")) {
                    delete.setString(1, mailbox.toString());
                    int i = 2;
                    for (Long id : ids) {
                        delete.setLong(i++, id);
                    }
                    return delete.executeUpdate();
                }
            });
        } catch (SQLException e) {
            throw new StoreException("cannot delete messages of " + mailbox, e);
        }
    }

    private static MessageHeader header(ResultSet rows) throws SQLException {
        return new MessageHeader(rows.getLong(1), Address.parse(rows.getString(2)), rows.getString(3),
                rows.getTimestamp(4).toInstant(), MessageFlag.fromBits(rows.getInt(5)), rows.getLong(6));
    }
}
