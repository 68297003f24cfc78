package org.wsemail.testing;

import java.sql.SQLException;

import javax.sql.DataSource;

import org.apache.commons.dbcp2.BasicDataSource;

/**
 * A new database on the test JVM's shared {@link RealPostgres} server for one test, dropped after
 * it; connections come from a pool, as the server's do (dbcp2, through pax-jdbc).
 */
public final class PostgresDatabase extends TestDatabase {
    private String name;
    private BasicDataSource pool;

    @Override
    protected void before() {
        name = RealPostgres.shared().createDatabase();
        pool = new BasicDataSource();
        pool.setUrl(RealPostgres.shared().url(name));
        pool.setUsername(RealPostgres.USER);
        pool.setMaxTotal(16);
    }

    @Override
    protected void after() {
        try {
            pool.close();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        RealPostgres.shared().dropDatabase(name);
    }

    @Override
    public DataSource dataSource() {
        return pool;
    }

    @Override
    public void waitForLocksAtMost(java.time.Duration wait) throws SQLException {
        try (java.sql.Connection c = pool.getConnection(); java.sql.Statement s = c.createStatement()) {
            s.execute("ALTER DATABASE " + name + " SET lock_timeout = '" + wait.toMillis() + "ms'");
        }
        // A session keeps the settings it began with: the idle pooled ones are closed, new ones take it.
        java.util.List<java.sql.Connection> idle = new java.util.ArrayList<>();
        for (int i = pool.getNumIdle(); i > 0; i--) {
            idle.add(pool.getConnection());
        }
        for (java.sql.Connection old : idle) {
            pool.invalidateConnection(old);
        }
    }

    @Override
    public String kind() {
        return POSTGRESQL;
    }
}
