package org.wsemail.testing;

import java.util.List;

import javax.sql.DataSource;

import org.junit.rules.ExternalResource;

/**
 * A real, empty database for one test, of either kind the server runs on: embedded Derby in files
 * ({@link EmbeddedDerby}) or a database of a real PostgreSQL server ({@link PostgresDatabase}).
 * Tests of the components that own tables run on both, parameterized by {@link #KINDS}.
 */
public abstract class TestDatabase extends ExternalResource {
    public static final String DERBY = "derby";
    public static final String POSTGRESQL = "postgresql";
    /** The kinds, for {@code @Parameters}. */
    public static final List<String> KINDS = List.of(DERBY, POSTGRESQL);

    /** A new database of that kind. */
    public static TestDatabase of(String kind) {
        return switch (kind) {
            case DERBY -> new EmbeddedDerby();
            case POSTGRESQL -> new PostgresDatabase();
            default -> throw new IllegalArgumentException("no database kind " + kind);
        };
    }

    /** A data source for the database: each connection a new session. */
    public abstract DataSource dataSource();

    /**
     * Makes a statement that waits for a lock give up after about this long (the transaction is
     * rolled back), in sessions opened from now on: to test what the server does on a lock conflict.
     */
    public abstract void waitForLocksAtMost(java.time.Duration wait) throws java.sql.SQLException;

    /** {@link #DERBY} or {@link #POSTGRESQL}. */
    public abstract String kind();
}
