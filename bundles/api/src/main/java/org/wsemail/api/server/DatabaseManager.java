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

    /** The pool's current state, for monitoring. */
    PoolStatus status();

    /**
     * @param maxConnections the pool's upper bound
     * @param active connections handed out now
     * @param idle connections ready in the pool
     * @param schemaVersion the schema version the migrations brought the database to
     */
    record PoolStatus(int maxConnections, int active, int idle, int schemaVersion) {
    }
}
