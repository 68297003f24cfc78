package org.wsemail.testing;

import javax.sql.DataSource;

/**
 * A new database on the test JVM's shared {@link RealPostgres} server for one test, dropped after it.
 */
public final class PostgresDatabase extends TestDatabase {
    private String name;

    @Override
    protected void before() {
        name = RealPostgres.shared().createDatabase();
    }

    @Override
    protected void after() {
        RealPostgres.shared().dropDatabase(name);
    }

    @Override
    public DataSource dataSource() {
        return RealPostgres.shared().dataSource(name);
    }

    @Override
    public void waitForLocksAtMost(java.time.Duration wait) throws java.sql.SQLException {
        try (java.sql.Connection c = dataSource().getConnection(); java.sql.Statement s = c.createStatement()) {
            s.execute("ALTER DATABASE " + name + " SET lock_timeout = '" + wait.toMillis() + "ms'");
        }
    }

    @Override
    public String kind() {
        return POSTGRESQL;
    }
}
