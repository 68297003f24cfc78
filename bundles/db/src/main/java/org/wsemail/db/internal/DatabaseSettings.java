package org.wsemail.db.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.Properties;

import javax.sql.DataSource;

import org.ops4j.pax.jdbc.pool.common.PooledDataSourceFactory;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jdbc.DataSourceFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which database the server uses, from {@code etc/org.wsemail.db.cfg}: a JDBC URL (embedded Derby
 * under the data directory when empty, or PostgreSQL), the user, a file holding the password, the
 * pool's size. Builds the pooled data source with pax-jdbc's pieces (the driver's
 * {@code DataSourceFactory}, the dbcp2 {@code PooledDataSourceFactory}) and registers it as the
 * data source {@value PooledDatabaseManager#DATA_SOURCE_NAME}, which the Database Manager takes. A
 * changed configuration builds a new one (and the components on it start again); the password is
 * read from its file and kept nowhere else.
 */
@Component(configurationPid = DatabaseSettings.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = DatabaseSettings.Config.class)
public class DatabaseSettings {
    static final String PID = "org.wsemail.db";
    /** The driver name each supported JDBC URL scheme registers its DataSourceFactory under. */
    private static final Map<String, String> DRIVERS = Map.of("jdbc:derby:", "derby", "jdbc:postgresql:", "PostgreSQL JDBC Driver");

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseSettings.class);

    @ObjectClassDefinition(name = "WSEmail database", description = "The database the server keeps everything in.")
    public @interface Config {
        @AttributeDefinition(name = "JDBC URL", description = "Empty: embedded Derby under data/wsemail/derby."
                + " PostgreSQL: jdbc:postgresql://HOST:5432/DATABASE", required = false)
        String url() default "";

        @AttributeDefinition(name = "User", required = false)
        String user() default "";

        @AttributeDefinition(name = "Password file", description = "A file holding the user's password"
                + " (readable by the server's user only)", required = false)
        String password_file() default "";

        @AttributeDefinition(name = "Pool size", description = "Most connections open at once")
        int pool_size() default 16;
    }

    private final DataSource pool;
    private final ServiceRegistration<DataSource> registration;

    @Activate
    public DatabaseSettings(Config config, BundleContext context,
            @Reference(target = "(osgi.jdbc.driver.name=derby)") DataSourceFactory derby,
            @Reference(target = "(osgi.jdbc.driver.name=PostgreSQL JDBC Driver)") DataSourceFactory postgresql,
            @Reference(target = "(&(pool=dbcp2)(!(xa=true)))") PooledDataSourceFactory pooling) throws IOException, SQLException {
        Properties properties = dataSourceProperties(config, System.getProperty("karaf.data", "data"));
        DataSourceFactory driver = "derby".equals(properties.remove(DataSourceFactory.OSGI_JDBC_DRIVER_NAME)) ? derby : postgresql;
        this.pool = pooling.create(driver, properties);
        Dictionary<String, Object> service = new Hashtable<>();
        service.put("dataSourceName", PooledDatabaseManager.DATA_SOURCE_NAME);
        this.registration = context.registerService(DataSource.class, pool, service);
        LOG.info("Database: {} (pool of {})", properties.getProperty(DataSourceFactory.JDBC_URL), config.pool_size());
    }

    @Deactivate
    void deactivate() {
        registration.unregister();
        if (pool instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("Could not close the database's connection pool: {}", e.getMessage());
            }
        }
    }

    /** The data source's properties for these settings, as pax-jdbc's pooling factory takes them. */
    static Properties dataSourceProperties(Config config, String karafData) throws IOException {
        String url = config.url().isBlank() ? "jdbc:derby:" + karafData + "/wsemail/derby;create=true" : config.url().strip();
        String driver = DRIVERS.entrySet().stream().filter(d -> url.startsWith(d.getKey())).map(Map.Entry::getValue)
                .findFirst().orElseThrow(() -> new IllegalArgumentException("url in etc/" + PID + ".cfg must be a Derby"
                        + " (jdbc:derby:) or PostgreSQL (jdbc:postgresql:) URL, not " + url));
        if (config.pool_size() < 1) {
            throw new IllegalArgumentException("pool.size in etc/" + PID + ".cfg must be at least 1, not " + config.pool_size());
        }
        Properties properties = new Properties();
        properties.setProperty(DataSourceFactory.OSGI_JDBC_DRIVER_NAME, driver);
        properties.setProperty(DataSourceFactory.JDBC_URL, url);
        properties.setProperty("pool.maxTotal", String.valueOf(config.pool_size()));
        // A connection is checked as it is taken from the pool: after the database restarted, dead
        // connections are dropped and new ones opened, so the server recovers by itself.
        properties.setProperty("pool.testOnBorrow", "true");
        if (!config.user().isBlank()) {
            properties.setProperty(DataSourceFactory.JDBC_USER, config.user().strip());
        }
        if (!config.password_file().isBlank()) {
            Path file = Path.of(config.password_file().strip());
            if (!Files.isReadable(file)) {
                throw new IOException("password.file in etc/" + PID + ".cfg: cannot read " + file);
            }
            properties.setProperty(DataSourceFactory.JDBC_PASSWORD, Files.readString(file, StandardCharsets.UTF_8).strip());
        }
        return properties;
    }
}
