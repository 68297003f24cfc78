package org.wsemail.db.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.wsemail.testing.Configs;

/** etc/org.wsemail.db.cfg as the data source pax-jdbc is asked to build. */
public class DatabaseSettingsTest {
    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    @Test
    public void withoutAUrlTheServerKeepsEmbeddedDerbyUnderItsDataDirectory() throws Exception {
        Properties properties = DatabaseSettings.dataSourceProperties(
                Configs.of(DatabaseSettings.Config.class).build(), "/srv/wsemail/data");
        assertEquals("derby", properties.get("osgi.jdbc.driver.name"));
        assertEquals("jdbc:derby:/srv/wsemail/data/wsemail/derby;create=true", properties.get("url"));
        assertEquals("16", properties.get("pool.maxTotal"));
        assertEquals("connections checked as they are taken", "true", properties.get("pool.testOnBorrow"));
        assertFalse(properties.containsKey("password"));
    }

    @Test
    public void aPostgresqlUrlTakesThePostgresqlDriverWithTheUserAndThePasswordFromItsFile() throws Exception {
        Path secret = folder.newFile().toPath();
        Files.writeString(secret, "s3cret-db-password\n");
        Properties properties = DatabaseSettings.dataSourceProperties(Configs.of(DatabaseSettings.Config.class)
                .with("url", "jdbc:postgresql://db.a.test:5432/wsemail").with("user", "wsemail")
                .with("password_file", secret.toString()).with("pool_size", 4).build(), "data");
        assertEquals("PostgreSQL JDBC Driver", properties.get("osgi.jdbc.driver.name"));
        assertEquals("wsemail", properties.get("user"));
        assertEquals("s3cret-db-password", properties.get("password"));
        assertEquals("4", properties.get("pool.maxTotal"));
    }

    @Test
    public void anotherDatabaseOrAnUnreadablePasswordFileIsRefusedSayingWhy() throws Exception {
        try {
            DatabaseSettings.dataSourceProperties(Configs.of(DatabaseSettings.Config.class).with("url", "jdbc:mysql://x/y").build(), "data");
            fail("a MySQL URL was taken");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("must be a Derby (jdbc:derby:) or PostgreSQL"));
        }
        try {
            DatabaseSettings.dataSourceProperties(Configs.of(DatabaseSettings.Config.class)
                    .with("url", "jdbc:postgresql://db/wsemail").with("password_file", "/no/such/file").build(), "data");
            fail("a missing password file was taken");
        } catch (java.io.IOException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("cannot read /no/such/file"));
        }
    }
}
