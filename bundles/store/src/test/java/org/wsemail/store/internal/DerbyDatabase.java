package org.wsemail.store.internal;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

import org.apache.derby.jdbc.EmbeddedDataSource;
import org.junit.rules.ExternalResource;
import org.junit.rules.TemporaryFolder;
import org.wsemail.api.server.DatabaseManager;
import org.wsemail.db.internal.PooledDatabaseManager;

/** A real embedded Derby database in a temporary folder, migrated by the real Database Manager. */
final class DerbyDatabase extends ExternalResource {
    private final TemporaryFolder folder = new TemporaryFolder();
    private Path directory;
    private DatabaseManager manager;

    @Override
    protected void before() throws Throwable {
        folder.create();
        directory = folder.getRoot().toPath().resolve("derby");
        EmbeddedDataSource derby = new EmbeddedDataSource();
        derby.setDatabaseName(directory.toString());
        derby.setCreateDatabase("create");
        manager = new PooledDatabaseManager(derby);
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

    DatabaseManager manager() {
        return manager;
    }
}
