package org.wsemail.db.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which database the server uses, from {@code etc/org.wsemail.db.cfg}: a JDBC URL (embedded Derby
 * under the data directory when empty, or PostgreSQL), the user, a file holding the password, the
 * pool's size. Handed to pax-jdbc as its data source configuration ({@code org.ops4j.datasource},
 * named {@value PooledDatabaseManager#DATA_SOURCE_NAME}), which builds the pooled data source
 * (dbcp2) with the driver's {@code DataSourceFactory}; the Database Manager takes that data source.
 */
@Component(immediate = true, configurationPid = DatabaseSettings.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = DatabaseSettings.Config.class)
public class DatabaseSettings {
    static final String PID = "org.wsemail.db";
    static final String PAX_JDBC_FACTORY_PID = "org.ops4j.datasource";
    /** The driver name each supported JDBC URL scheme registers its DataSourceFactory under. */
    private static final Map<String, String> DRIVERS = Map.of("jdbc:derby:", "derby", "jdbc:postgresql:", "PostgreSQL JDBC Driver");

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseSettings.class);

    @ObjectClassDefinition(name = "WSEmail database", description = "The database the server keeps everything in.")
    public @interface Config {
        @AttributeDefinition(name = "JDBC URL", description = "Empty: embedded Derby under data/wsemail/derby."
                + " PostgreSQL: jdbc:postgresql://HOST:5432/DATABASE (feature wsemail-postgresql)", required = false)
        String url() default "";

        @AttributeDefinition(name = "User", required = false)
        String user() default "";

        @AttributeDefinition(name = "Password file", description = "A file holding the user's password"
                + " (readable by the server's user only)", required = false)
        String password_file() default "";

        @AttributeDefinition(name = "Pool size", description = "Most connections open at once")
        int pool_size() default 16;
    }

    private final ConfigurationAdmin configurations;

    @Activate
    public DatabaseSettings(Config config, @Reference ConfigurationAdmin configurations) throws IOException {
        this.configurations = configurations;
        apply(config);
    }

    @Modified
    void modified(Config config) throws IOException {
        apply(config);
    }

    private void apply(Config config) throws IOException {
        Hashtable<String, Object> wanted = dataSourceProperties(config, System.getProperty("karaf.data", "data"));
        Configuration dataSource = configurations.getFactoryConfiguration(PAX_JDBC_FACTORY_PID,
                PooledDatabaseManager.DATA_SOURCE_NAME, "?");
        Dictionary<String, Object> current = dataSource.getProperties();
        if (current != null && same(current, wanted)) {
            return;
        }
        dataSource.update(wanted);
        LOG.info("Database: {} (pool of {})", wanted.get("url"), config.pool_size());
    }

    /** pax-jdbc's data source properties for these settings. */
    static Hashtable<String, Object> dataSourceProperties(Config config, String karafData) throws IOException {
        String url = config.url().isBlank() ? "jdbc:derby:" + karafData + "/wsemail/derby;create=true" : config.url().strip();
        String driver = DRIVERS.entrySet().stream().filter(d -> url.startsWith(d.getKey())).map(Map.Entry::getValue)
                .findFirst().orElseThrow(() -> new IllegalArgumentException("url in etc/" + PID + ".cfg must be a Derby"
                        + " (jdbc:derby:) or PostgreSQL (jdbc:postgresql:) URL, not " + url));
        if (config.pool_size() < 1) {
            throw new IllegalArgumentException("pool.size in etc/" + PID + ".cfg must be at least 1, not " + config.pool_size());
        }
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("osgi.jdbc.driver.name", driver);
        properties.put("dataSourceName", PooledDatabaseManager.DATA_SOURCE_NAME);
        properties.put("url", url);
        properties.put("pool", "dbcp2");
        properties.put("xa", "false");
        properties.put("pool.maxTotal", String.valueOf(config.pool_size()));
        // A connection is checked as it is taken from the pool: after the database restarted, dead
        // connections are dropped and new ones opened, so the server recovers by itself.
        properties.put("pool.testOnBorrow", "true");
        if (!config.user().isBlank()) {
            properties.put("user", config.user().strip());
        }
        if (!config.password_file().isBlank()) {
            Path file = Path.of(config.password_file().strip());
            if (!Files.isReadable(file)) {
                throw new IOException("password.file in etc/" + PID + ".cfg: cannot read " + file);
            }
            properties.put("password", Files.readString(file, StandardCharsets.UTF_8).strip());
        }
        return properties;
    }

    private static boolean same(Dictionary<String, Object> current, Hashtable<String, Object> wanted) {
        for (Map.Entry<String, Object> property : wanted.entrySet()) {
            if (!property.getValue().equals(current.get(property.getKey()))) {
                return false;
            }
        }
        return current.get("password") == null || wanted.containsKey("password");
    }
}
