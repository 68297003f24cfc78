package org.wsemail.queue.internal;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

import org.wsemail.api.Address;
import org.wsemail.api.server.DatabaseManager;
import org.wsemail.api.server.DatabaseManager.Migration;
import org.wsemail.api.server.DatabaseManager.Schema;
import org.wsemail.api.server.QueueEntry;
import org.wsemail.api.server.SignedMail;

/**
 * The queue's table, {@code queue_entries}: one row per message and destination domain, with the
 * signed XML (its UTF-8 bytes, which the database copies as they are), the recipients still to
 * reach there, the attempts so far and when the next is due.
 * The table and its migrations belong to this component (scripts beside this class). Thread-safe:
 * each method is one transaction.
 *
 * <p>Nodes sharing the database share the queue: a node {@link #claim claims} due entries for a
 * lease, which it renews while it lives; the entries of a node that died fall due again when their
 * lease runs out. On PostgreSQL the claim skips rows another node is claiming ({@code FOR UPDATE
 * SKIP LOCKED}); Derby, embedded in one node, claims each row by a conditional update.
 */
final class QueueEntries {
    static final Schema SCHEMA = new Schema("queue", QueueEntries.class,
            List.of(new Migration(1, "message queue", "V1__queue.sql"),
                    new Migration(2, "claims by node", "V2__queue_claims.sql"),
                    new Migration(3, "signed messages kept as their bytes", "V3__queue_signed_bytes.sql",
                            Migration.textToUtf8("queue_entries", "signed_xml", "signed_message")),
                    new Migration(4, "signed messages no longer kept as text", "V4__queue_text_dropped.sql")));

    private static final String DUPLICATE_KEY = "23505";
    private static final int MAX_ERROR = 2000;

    private final DatabaseManager database;
    private final Clock clock;
    private final Duration lifetime;
    /** This node, as the claims name it. */
    private final String node;
    /** How long a claim holds an entry unless renewed. */
    private final Duration lease;
    /** Whether the database skips rows another transaction holds (PostgreSQL), decided once. */
    private final boolean skipsLocked;

    QueueEntries(DatabaseManager database, Clock clock, Duration lifetime, String node, Duration lease) {
        this.database = database;
        this.clock = clock;
        this.lifetime = lifetime;
        this.node = node;
        this.lease = lease;
        this.skipsLocked = database.status().isPostgreSql();
        try {
            database.migrate(SCHEMA);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot bring the queue's table up to date: " + e.getMessage(), e);
        }
    }

    /** An entry this node claimed, and the domain it is for. */
    record Claim(long id, String domain) {
    }

    /** One entry in the queue. */
    record Entry(long id, String messageId, Address sender, String domain, List<Address> recipients,
            String signedXml, int attempts, Instant nextAttempt, Instant expires, String lastError) {
    }

    /**
     * Adds one entry per destination domain, due now, in one transaction, run again if the database
     * rolls it back for a lock conflict (nothing of it is stored then). A message queued before for
     * a domain (a retried hand-over) keeps its one entry.
     */
    List<Long> insert(SignedMail mail) {
        return insert(mail, Duration.ZERO);
    }

    /**
     * Queues the message, due only after {@code held}: for a caller that delivers it at once itself,
     * so that the worker does not deliver it too (if the caller stops half-way, the worker takes it up).
     */
    List<Long> insert(SignedMail mail, Duration held) {
        Map<String, List<Address>> byDomain = new LinkedHashMap<>();
        for (Address recipient : mail.message().recipients()) {
            byDomain.computeIfAbsent(recipient.domain(), d -> new ArrayList<>()).add(recipient);
        }
        Instant now = clock.instant();
        byte[] signed = mail.signedXml().getBytes(StandardCharsets.UTF_8);
        try {
            return database.inTransaction(c -> {
                List<Long> inserted = new ArrayList<>();
                for (Map.Entry<String, List<Address>> destination : byDomain.entrySet()) {
                    inserted.add(insert(c, mail, signed, destination.getKey(), destination.getValue(), now, now.plus(held)));
                }
                return inserted;
            });
        } catch (SQLException e) {
            throw new IllegalStateException("cannot queue message " + mail.messageId() + ": " + e.getMessage(), e);
        }
    }

    private long insert(Connection c, SignedMail mail, byte[] signed, String destination, List<Address> recipients,
            Instant now, Instant due) throws SQLException {
        // A failed statement spoils the rest of a PostgreSQL transaction unless rolled back to a savepoint.
        java.sql.Savepoint beforeInsert = c.setSavepoint();
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO queue_entries (message_id, sender, domain,"
                + " recipients, signed_message, attempts, next_attempt, expires_at, last_error, created_at, claimed_by)"
                + " VALUES (?, ?, ?, ?, ?, 0, ?, ?, NULL, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            insert.setString(1, mail.messageId());
            insert.setString(2, mail.message().sender().toString());
            insert.setString(3, destination);
            insert.setString(4, join(recipients));
            insert.setBytes(5, signed);
            insert.setTimestamp(6, Timestamp.from(due));
            insert.setTimestamp(7, Timestamp.from(now.plus(lifetime)));
            insert.setTimestamp(8, Timestamp.from(now));
            // Held for a caller that delivers it at once: claimed by this node (and renewed) until settled.
            insert.setString(9, due.isAfter(now) ? node : null);
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        } catch (SQLException e) {
            if (!DUPLICATE_KEY.equals(e.getSQLState())) {
                throw e;
            }
            c.rollback(beforeInsert);
            try (PreparedStatement select = c.prepareStatement("SELECT id FROM queue_entries WHERE message_id = ? AND domain = ?")) {
                select.setString(1, mail.messageId());
                select.setString(2, destination);
                try (ResultSet rows = select.executeQuery()) {
                    rows.next();
                    return rows.getLong(1);
                }
            }
        }
    }

    /**
     * Claims the next due entries for this node, at most {@code limit}, in (next_attempt, id) order:
     * each is then due only at the end of the lease, and no other node takes it meanwhile.
     */
    List<Claim> claim(int limit) {
        Instant now = clock.instant();
        try {
            return database.inTransaction(c -> skipsLocked ? claimSkippingLocked(c, limit, now) : claimOneByOne(c, limit, now));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot claim queue entries: " + e.getMessage(), e);
        }
    }

    private List<Claim> claimSkippingLocked(Connection c, int limit, Instant now) throws SQLException {
        try (PreparedStatement claim = c.prepareStatement("UPDATE queue_entries SET next_attempt = ?, claimed_by = ?"
                + " WHERE id IN (SELECT id FROM queue_entries WHERE next_attempt <= ? ORDER BY next_attempt, id"
                + " LIMIT " + limit + " FOR UPDATE SKIP LOCKED) RETURNING id, domain")) {
            claim.setTimestamp(1, Timestamp.from(now.plus(lease)));
            claim.setString(2, node);
            claim.setTimestamp(3, Timestamp.from(now));
            List<Claim> claimed = new ArrayList<>();
            try (ResultSet rows = claim.executeQuery()) {
                while (rows.next()) {
                    claimed.add(new Claim(rows.getLong(1), rows.getString(2)));
                }
            }
            claimed.sort(java.util.Comparator.comparingLong(Claim::id));
            return claimed;
        }
    }

    private List<Claim> claimOneByOne(Connection c, int limit, Instant now) throws SQLException {
        List<Claim> due = new ArrayList<>();
        try (PreparedStatement select = c.prepareStatement("SELECT id, domain FROM queue_entries WHERE next_attempt <= ?"
                + " ORDER BY next_attempt, id FETCH FIRST " + limit + " ROWS ONLY")) {
            select.setTimestamp(1, Timestamp.from(now));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    due.add(new Claim(rows.getLong(1), rows.getString(2)));
                }
            }
        }
        List<Claim> claimed = new ArrayList<>();
        try (PreparedStatement claim = c.prepareStatement("UPDATE queue_entries SET next_attempt = ?, claimed_by = ?"
                + " WHERE id = ? AND next_attempt <= ?")) {
            for (Claim one : due) {
                claim.setTimestamp(1, Timestamp.from(now.plus(lease)));
                claim.setString(2, node);
                claim.setLong(3, one.id());
                claim.setTimestamp(4, Timestamp.from(now));
                if (claim.executeUpdate() == 1) {
                    claimed.add(one);
                }
            }
        }
        return claimed;
    }

    /**
     * Gives up, at this node's start, what it claimed before it last stopped or died: those entries
     * are due at once rather than at the end of their lease. Returns how many.
     */
    int releaseEarlierClaims() {
        Instant now = clock.instant();
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement release = c.prepareStatement("UPDATE queue_entries SET next_attempt = ?, claimed_by = NULL"
                        + " WHERE claimed_by = ? AND next_attempt > ?")) {
            release.setTimestamp(1, Timestamp.from(now));
            release.setString(2, node);
            release.setTimestamp(3, Timestamp.from(now));
            return release.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot release the earlier claims of node " + node + ": " + e.getMessage(), e);
        }
    }

    /**
     * Renews the lease of these entries, which this node is delivering now; returns how many it still
     * held. An entry this node claimed but is no longer working on (its settlement failed, say, while
     * the database was out of reach) is not renewed: it falls due when its lease runs out.
     */
    int renewClaims(java.util.Collection<Long> delivering) {
        if (delivering.isEmpty()) {
            return 0;
        }
        Instant now = clock.instant();
        List<Long> ids = List.copyOf(delivering);
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement renew = c.prepareStatement("UPDATE queue_entries SET next_attempt = ?"
                        + " WHERE claimed_by = ? AND next_attempt > ? AND id IN (" + marks(ids.size()) + ")")) {
            renew.setTimestamp(1, Timestamp.from(now.plus(lease)));
            renew.setString(2, node);
            renew.setTimestamp(3, Timestamp.from(now));
            bindIds(renew, 4, ids);
            return renew.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot renew the claims of node " + node + ": " + e.getMessage(), e);
        }
    }

    /** How many entries each node holds now, by node. */
    Map<String, Integer> heldByNode() {
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement select = c.prepareStatement("SELECT claimed_by, COUNT(*) FROM queue_entries"
                        + " WHERE claimed_by IS NOT NULL AND next_attempt > ? GROUP BY claimed_by")) {
            select.setTimestamp(1, Timestamp.from(clock.instant()));
            Map<String, Integer> held = new java.util.TreeMap<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    held.put(rows.getString(1), rows.getInt(2));
                }
            }
            return held;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the queue's claims: " + e.getMessage(), e);
        }
    }

    /**
     * The entries with these ids, in their order, read in one statement; an id without an entry
     * (deleted since it was found due) is left out.
     */
    List<Entry> entries(List<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement select = c.prepareStatement("SELECT id, message_id, sender, domain, recipients, signed_message,"
                        + " attempts, next_attempt, expires_at, last_error FROM queue_entries WHERE id IN (" + marks(ids.size()) + ")")) {
            bindIds(select, 1, ids);
            Map<Long, Entry> found = new HashMap<>();
            for (Entry entry : read(select, true)) {
                found.put(entry.id(), entry);
            }
            return ids.stream().map(found::get).filter(Objects::nonNull).toList();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read queue entries " + ids, e);
        }
    }

    /** Every entry, soonest due first, without its message text. */
    List<QueueEntry> list() {
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement select = c.prepareStatement("SELECT id, message_id, sender, domain, recipients,"
                        + " attempts, next_attempt, expires_at, last_error FROM queue_entries ORDER BY next_attempt, id")) {
            return read(select, false).stream().map(e -> new QueueEntry(e.id, e.messageId, e.sender, e.domain, e.recipients,
                    e.attempts, e.nextAttempt, e.expires, e.lastError)).toList();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the queue", e);
        }
    }

    /** Counts a failed attempt: the recipients still pending, when the next attempt is due, and why this one failed. */
    void reschedule(Entry entry, List<Address> pending, Instant next, String error) {
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement update = c.prepareStatement("UPDATE queue_entries SET recipients = ?, attempts = ?,"
                        + " next_attempt = ?, last_error = ?, claimed_by = NULL WHERE id = ?")) {
            update.setString(1, join(pending));
            update.setInt(2, entry.attempts() + 1);
            update.setTimestamp(3, Timestamp.from(next));
            update.setString(4, error == null ? null : error.length() > MAX_ERROR ? error.substring(0, MAX_ERROR) : error);
            update.setLong(5, entry.id());
            update.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reschedule queue entry " + entry.id(), e);
        }
    }

    /** Makes an entry due now; false if there is none. */
    boolean makeDue(long id) {
        return update("UPDATE queue_entries SET next_attempt = ?, claimed_by = NULL WHERE id = ?", id,
                Timestamp.from(clock.instant()));
    }

    /** Makes every entry no node is delivering due now; how many. */
    int makeAllDue() {
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement statement = c.prepareStatement(
                        "UPDATE queue_entries SET next_attempt = ? WHERE claimed_by IS NULL AND next_attempt > ?")) {
            Timestamp now = Timestamp.from(clock.instant());
            statement.setTimestamp(1, now);
            statement.setTimestamp(2, now);
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot change the queue's entries: " + e.getMessage(), e);
        }
    }

    /** Removes an entry; false if there is none. */
    boolean delete(long id) {
        return update("DELETE FROM queue_entries WHERE id = ?", id, null);
    }

    /** Removes the entries with these ids in one statement; how many there were. */
    int deleteAll(List<Long> ids) {
        if (ids.isEmpty()) {
            return 0;
        }
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement delete = c.prepareStatement("DELETE FROM queue_entries WHERE id IN (" + marks(ids.size()) + ")")) {
            bindIds(delete, 1, ids);
            return delete.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot remove queue entries " + ids, e);
        }
    }

    /**
     * How many parameter marks an IN list of {@code count} ids gets: {@code count} rounded up to a
     * power of two. The database compiles each statement text it has not cached (Derby generates
     * and loads a class for it, which the JIT compiles in turn; its cache holds 100 statements), so
     * one text per group size means a compilation for every group size not seen lately. Rounded, a
     * group of up to 1,024 entries takes one of 11 texts.
     */
    static int slots(int count) {
        return count <= 1 ? 1 : Integer.highestOneBit(count - 1) << 1;
    }

    /** The parameter marks for an IN list of {@code count} ids ({@link #slots}). */
    private static String marks(int count) {
        return String.join(", ", Collections.nCopies(slots(count), "?"));
    }

    /**
     * Binds {@code ids} to the IN list's marks from parameter {@code first} on; the marks beyond the
     * ids repeat the last id, which changes nothing an IN list selects.
     */
    private static void bindIds(PreparedStatement statement, int first, List<Long> ids) throws SQLException {
        int slots = slots(ids.size());
        for (int i = 0; i < slots; i++) {
            statement.setLong(first + i, ids.get(Math.min(i, ids.size() - 1)));
        }
    }

    private boolean update(String sql, long id, Timestamp time) {
        try (Connection c = database.dataSource().getConnection(); PreparedStatement statement = c.prepareStatement(sql)) {
            int index = 1;
            if (time != null) {
                statement.setTimestamp(index++, time);
            }
            statement.setLong(index, id);
            return statement.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot change queue entry " + id, e);
        }
    }

    /**
     * The entries the statement selects: id, message id, sender, domain, recipients, the signed
     * message's bytes if {@code withMessage} (else the entries have none), attempts, next attempt,
     * expiry and last error.
     */
    private static List<Entry> read(PreparedStatement select, boolean withMessage) throws SQLException {
        List<Entry> entries = new ArrayList<>();
        int after = withMessage ? 7 : 6;
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                String signed = withMessage ? new String(rows.getBytes(6), StandardCharsets.UTF_8) : null;
                entries.add(new Entry(rows.getLong(1), rows.getString(2), Address.parse(rows.getString(3)), rows.getString(4),
                        split(rows.getString(5)), signed, rows.getInt(after), rows.getTimestamp(after + 1).toInstant(),
                        rows.getTimestamp(after + 2).toInstant(), rows.getString(after + 3)));
            }
        }
        return entries;
    }

    private static String join(List<Address> addresses) {
        return addresses.stream().map(Address::toString).collect(Collectors.joining(","));
    }

    private static List<Address> split(String addresses) {
        return Arrays.stream(addresses.split(",")).map(Address::parse).toList();
    }
}
