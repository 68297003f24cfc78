package org.wsemail.db.internal;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsemail.api.server.DatabaseManager;

/**
 * The Database Manager. Takes the pooled {@link DataSource} named {@value #DATA_SOURCE_NAME} that
 * pax-jdbc builds from {@code etc/org.ops4j.datasource-wsemail.cfg} (embedded Derby under the
 * server's data directory by default), migrates its schema, and only then registers, so that every
 * component that needs the database waits for a usable one.
 */
@Component(service = DatabaseManager.class)
public class PooledDatabaseManager implements DatabaseManager {
    static final String DATA_SOURCE_NAME = "wsemail";

    private static final Logger LOG = LoggerFactory.getLogger(PooledDatabaseManager.class);

    private final CountingDataSource dataSource;
    private final int schemaVersion;
    private final String product;
    private final String url;

    @Activate
    public PooledDatabaseManager(@Reference(target = "(dataSourceName=" + DATA_SOURCE_NAME + ")") DataSource pool)
            throws SQLException {
        this.dataSource = new CountingDataSource(pool);
        this.schemaVersion = SchemaMigrator.migrate(pool);
        try (Connection connection = pool.getConnection()) {
            DatabaseMetaData meta = connection.getMetaData();
            this.product = meta.getDatabaseProductName() + " " + meta.getDatabaseProductVersion();
            this.url = meta.getURL();
        }
        LOG.info("Database {} at {} is at schema version {}", product, url, schemaVersion);
    }

    @Override
    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public Status status() {
        return new Status(product, url, schemaVersion, dataSource.openConnections());
    }
}
