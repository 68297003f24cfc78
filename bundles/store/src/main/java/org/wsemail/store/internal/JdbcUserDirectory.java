package org.wsemail.store.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsemail.api.Address;
import org.wsemail.api.server.DatabaseManager;
import org.wsemail.api.server.MailDomain;
import org.wsemail.api.server.UnknownUserException;
import org.wsemail.api.server.UserDirectory;

/**
 * The local domain's users, in the {@code users} table, with Argon2id password hashes. A password
 * that checked out is remembered for a while ({@link VerifiedCredentials}), as
 * {@code credential.cache.seconds} of {@value #PID} says (0: never).
 */
@Component(service = UserDirectory.class, configurationPid = JdbcUserDirectory.PID)
@Designate(ocd = JdbcUserDirectory.Config.class)
public class JdbcUserDirectory implements UserDirectory {
    static final String PID = "org.wsemail.users";

    @ObjectClassDefinition(name = "WSEmail users")
    public @interface Config {
        @AttributeDefinition(name = "Remember a verified password (s)",
                description = "How long a user's requests skip the slow password hash after one succeeded; 0 never")
        int credential_cache_seconds() default 300;

        @AttributeDefinition(name = "Passwords hashed at once",
                description = "The most password checks running the slow hash together; 0: one per processor")
        int hashing_concurrency() default 0;

        @AttributeDefinition(name = "Wait for a hashing slot (ms)",
                description = "How long a login waits for a free slot before it is refused as the server being busy")
        int hashing_wait_ms() default 5_000;
    }

    private static final Logger LOG = LoggerFactory.getLogger(JdbcUserDirectory.class);
    private static final String DUPLICATE_KEY = "23505";

    private final DatabaseManager database;
    private final MailDomain domain;
    private final PasswordHasher hasher;
    /** Checked when the user is unknown, so that an unknown user costs as much time as a wrong password. */
    private final String decoyHash;
    private final VerifiedCredentials verified;
    /** Bounds the slow hashes running at once, so a flood of logins cannot take every processor and all memory. */
    private final Semaphore hashing;
    private final Duration hashingWait;

    @Activate
    public JdbcUserDirectory(Config config, @Reference DatabaseManager database, @Reference MailDomain domain) {
        this(database, domain, new PasswordHasher(), new VerifiedCredentials(Duration.ofSeconds(config.credential_cache_seconds())),
                new Semaphore(config.hashing_concurrency() > 0 ? config.hashing_concurrency() : Runtime.getRuntime().availableProcessors(), true),
                Duration.ofMillis(config.hashing_wait_ms()));
    }

    JdbcUserDirectory(DatabaseManager database, MailDomain domain, PasswordHasher hasher, VerifiedCredentials verified) {
        this(database, domain, hasher, verified, new Semaphore(2, true), Duration.ofSeconds(5));
    }

    /** @param hashing the slots for slow hashes, one taken for each */
    JdbcUserDirectory(DatabaseManager database, MailDomain domain, PasswordHasher hasher, VerifiedCredentials verified,
            Semaphore hashing, Duration hashingWait) {
        this.database = database;
        this.domain = domain;
        this.hasher = hasher;
        this.verified = verified;
        this.hashing = hashing;
        this.hashingWait = hashingWait;
        StoreSchema.migrate(database);
        this.decoyHash = hasher.hash(UUID.randomUUID().toString().toCharArray());
    }

    @Override
    public void add(Address user, char[] password) {
        if (!domain.isLocal(user)) {
            throw new IllegalArgumentException(user + " is not in this server's domain " + domain.name());
        }
        requireStrong(password);
        String hash = hasher.hash(password);
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO users (address, password_hash, created_at) VALUES (?, ?, ?)")) {
            insert.setString(1, user.toString());
            insert.setString(2, hash);
            insert.setTimestamp(3, Timestamp.from(Instant.now()));
            insert.executeUpdate();
            LOG.info("User {} added", user);
        } catch (SQLException e) {
            if (DUPLICATE_KEY.equals(e.getSQLState())) {
                throw new IllegalArgumentException("user " + user + " already exists");
            }
            throw new StoreException("cannot add user " + user, e);
        }
    }

    @Override
    public void setPassword(Address user, char[] password) throws UnknownUserException {
        requireStrong(password);
        String hash = hasher.hash(password);
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement update = c.prepareStatement("UPDATE users SET password_hash = ? WHERE address = ?")) {
            update.setString(1, hash);
            update.setString(2, user.toString());
            verified.forget(user);
            if (update.executeUpdate() == 0) {
                throw new UnknownUserException(user);
            }
            verified.forget(user);
            LOG.info("Password of user {} changed", user);
        } catch (SQLException e) {
            throw new StoreException("cannot change the password of " + user, e);
        }
    }

    @Override
    public boolean delete(Address user) {
        try {
            verified.forget(user);
            boolean deleted = database.inTransaction(c -> {
                try (PreparedStatement state = c.prepareStatement("DELETE FROM plugin_state WHERE owner = ?");
                        PreparedStatement delete = c.prepareStatement("DELETE FROM users WHERE address = ?")) {
                    state.setString(1, user.toString());
                    state.executeUpdate();
                    delete.setString(1, user.toString());
                    return delete.executeUpdate() > 0;
                }
            });
            verified.forget(user);
            if (deleted) {
                LOG.info("User {} deleted with their mailbox and plug-in settings", user);
            }
            return deleted;
        } catch (SQLException e) {
            throw new StoreException("cannot delete user " + user, e);
        }
    }

    @Override
    public boolean exists(Address user) {
        return storedHash(user) != null;
    }

    @Override
    public List<Address> list() {
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement select = c.prepareStatement("SELECT address FROM users ORDER BY address");
                ResultSet rows = select.executeQuery()) {
            List<Address> users = new ArrayList<>();
            while (rows.next()) {
                users.add(Address.parse(rows.getString(1)));
            }
            return users;
        } catch (SQLException e) {
            throw new StoreException("cannot list users", e);
        }
    }

    /**
     * {@inheritDoc} At most so many slow hashes run at once; a check that cannot get a slot in time
     * is refused with a {@link RejectedExecutionException}: the server is busy.
     */
    @Override
    public boolean authenticate(Address user, char[] password) {
        if (verified.matches(user, password)) {
            return true;
        }
        VerifiedCredentials.Generation before = verified.generation();
        String stored = storedHash(user);
        boolean matches;
        try {
            if (!hashing.tryAcquire(hashingWait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new RejectedExecutionException("too many password checks at once; try again shortly");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RejectedExecutionException("interrupted while waiting to check a password", e);
        }
        try {
            matches = hasher.verify(password, stored == null ? decoyHash : stored);
        } finally {
            hashing.release();
        }
        if (stored != null && matches) {
            verified.remember(user, password, before);
            return true;
        }
        return false;
    }

    private String storedHash(Address user) {
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement select = c.prepareStatement("SELECT password_hash FROM users WHERE address = ?")) {
            select.setString(1, user.toString());
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read user " + user, e);
        }
    }

    private static void requireStrong(char[] password) {
        if (password == null || password.length < MIN_PASSWORD_LENGTH) {
            throw new IllegalArgumentException("a password needs at least " + MIN_PASSWORD_LENGTH + " characters");
        }
    }
}
