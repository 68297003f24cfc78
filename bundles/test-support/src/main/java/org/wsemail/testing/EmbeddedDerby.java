package org.wsemail.testing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.apache.derby.jdbc.EmbeddedDataSource;
import org.junit.rules.TemporaryFolder;

/**
 * A real embedded Derby database in files in a temporary folder, for one test: created before it,
 * shut down and removed after it. {@link #dataSource()} opens connections to it; give it to the
 * Database Manager under test.
 */
public final class EmbeddedDerby extends TestDatabase {
    private final TemporaryFolder folder = new TemporaryFolder();
    private Path directory;

    @Override
    protected void before() throws Throwable {
        folder.create();
        directory = folder.getRoot().toPath().resolve("derby");
    }

    @Override
    protected void after() {
        EmbeddedDataSource shutdown = new EmbeddedDataSource();
        shutdown.setDatabaseName(directory.toString());
        shutdown.setShutdownDatabase("shutdown");
        try (Connection ignored = shutdown.getConnection()) {
            throw new IllegalStateException("Derby did not confirm the shutdown");
        } catch (SQLException expected) {
            // Derby confirms a shutdown with SQLState 08006
        }
        folder.delete();
    }

    /** A data source for the database, created on its first connection. */
    @Override
    public DataSource dataSource() {
        EmbeddedDataSource derby = new EmbeddedDataSource();
        derby.setDatabaseName(directory.toString());
        derby.setCreateDatabase("create");
        return derby;
    }

    @Override
    public void waitForLocksAtMost(java.time.Duration wait) throws SQLException {
        try (Connection c = dataSource().getConnection(); java.sql.Statement s = c.createStatement()) {
            s.execute("CALL SYSCS_UTIL.SYSCS_SET_DATABASE_PROPERTY('derby.locks.waitTimeout', '"
                    + Math.max(1, wait.toSeconds()) + "')");
        }
    }

    @Override
    public String kind() {
        return DERBY;
    }

    /** Where the database keeps its files. */
    public Path directory() {
        return directory;
    }
}
