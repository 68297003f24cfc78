package org.wsemail.api.server;

import javax.sql.DataSource;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Hands out pooled connections to the server's database (embedded Apache Derby by default) whose
 * schema it has brought up to date before it registers. Registered once the database is usable;
 * unregistered when it is not.
 */
@ProviderType
public interface DatabaseManager {

    /** The pooled data source; callers close each connection they take. */
    DataSource dataSource();

    /** What the database is, for monitoring. */
    Status status();

    /**
     * @param product the database product and version
     * @param url the JDBC URL (no credentials)
     * @param schemaVersion the schema version the migrations brought the database to
     * @param openConnections connections handed out through {@link #dataSource()} and not yet closed
     */
    record Status(String product, String url, int schemaVersion, int openConnections) {
    }
}
