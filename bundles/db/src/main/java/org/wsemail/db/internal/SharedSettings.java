package org.wsemail.db.internal;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsemail.api.server.DatabaseManager;
import org.wsemail.api.server.ServerNodes;

/**
 * Keeps the settings every node of a domain shares the same on every node, through the database
 * ({@code shared_settings}): by default the plug-in list ({@code org.wsemail.plugins}) and the
 * plug-ins' priorities and enabled states ({@code org.wsemail.pluginsmanager.overrides}). A change
 * made on one node (a shell command, an edited file) is written there with a new version; every
 * node looks every few seconds and applies a newer version to its own configuration, which installs,
 * reorders or disables plug-ins as a local change would. At start the database's settings win over a
 * node's own; a database without them takes the first node's. Of two changes made at once on two
 * nodes, the later write wins.
 */
@Component(service = ConfigurationListener.class, immediate = true, configurationPid = SharedSettings.PID)
@Designate(ocd = SharedSettings.Config.class)
public class SharedSettings implements ConfigurationListener {
    static final String PID = "org.wsemail.node.settings";
    /** Properties that belong to one node's copy, never shared. */
    private static final Set<String> LOCAL_KEYS = Set.of("service.pid", "service.factoryPid", "service.bundleLocation",
            "felix.fileinstall.filename");

    private static final Logger LOG = LoggerFactory.getLogger(SharedSettings.class);

    @ObjectClassDefinition(name = "WSEmail settings shared by the nodes")
    public @interface Config {
        @AttributeDefinition(name = "Shared configurations", description = "Configuration PIDs kept the same on every node")
        String[] pids() default {"org.wsemail.plugins", "org.wsemail.pluginsmanager.overrides"};

        @AttributeDefinition(name = "Look interval (ms)", description = "How often this node looks for other nodes' changes")
        long interval_ms() default 2000;
    }

    private final DatabaseManager database;
    private final ConfigurationAdmin configurations;
    private final String node;
    private final Set<String> pids;
    private final Clock clock = Clock.systemUTC();
    /** What this node last wrote or applied, per PID, in the shared form: its own events for these are not news. */
    private final Map<String, String> inStep = new ConcurrentHashMap<>();
    /** The version this node last wrote or applied, per PID. */
    private final Map<String, Long> versions = new ConcurrentHashMap<>();
    private final ScheduledExecutorService looks;

    @Activate
    public SharedSettings(Config config, @Reference DatabaseManager database, @Reference ConfigurationAdmin configurations,
            @Reference ServerNodes nodes) {
        this(database, configurations, nodes.self(), Set.of(config.pids()));
        looks.execute(this::start);
        looks.scheduleWithFixedDelay(this::look, config.interval_ms(), config.interval_ms(), TimeUnit.MILLISECONDS);
    }

    SharedSettings(DatabaseManager database, ConfigurationAdmin configurations, String node, Set<String> pids) {
        this.database = database;
        this.configurations = configurations;
        this.node = node;
        this.pids = pids;
        this.looks = Executors.newSingleThreadScheduledExecutor(task -> new Thread(task, "wsemail-shared-settings"));
    }

    @Deactivate
    void deactivate() {
        looks.shutdownNow();
    }

    /** A local change: shared with the other nodes unless it is one this node applied from them. */
    @Override
    public void configurationEvent(ConfigurationEvent event) {
        if (event.getType() == ConfigurationEvent.CM_UPDATED && pids.contains(event.getPid())) {
            looks.execute(() -> share(event.getPid()));
        }
    }

    /**
     * At start, the database's settings win if another node wrote them last; if this node did (or
     * the database has none), this node's own win: an administrator may have edited them while it
     * was stopped.
     */
    void start() {
        for (String pid : pids) {
            try {
                Shared shared = read(pid);
                if (shared == null || shared.writtenBy().equals(node)) {
                    if (shared != null) {
                        inStep.put(pid, shared.properties());
                        versions.put(pid, shared.version());
                    }
                    share(pid);
                } else {
                    applyNewer(pid);
                }
            } catch (RuntimeException e) {
                LOG.error("Cannot bring {} in step with the other nodes: {}", pid, e.getMessage(), e);
            }
        }
    }

    /** Applies what other nodes changed since the last look. Never throws. */
    void look() {
        for (String pid : pids) {
            try {
                applyNewer(pid);
            } catch (RuntimeException e) {
                LOG.warn("Cannot look for other nodes' changes of {} (the database is out of reach?): {}", pid, e.getMessage());
            }
        }
    }

    /** Writes this node's settings of the PID to the database if they differ from what it is in step with. */
    void share(String pid) {
        String local = local(pid);
        if (local == null || local.equals(inStep.get(pid))) {
            return;
        }
        try {
            long version = database.inTransaction(c -> write(c, pid, local));
            inStep.put(pid, local);
            versions.put(pid, version);
            LOG.info("Shared {} with the other nodes (version {})", pid, version);
        } catch (SQLException e) {
            LOG.error("Cannot share the change of {} with the other nodes: {}", pid, e.getMessage());
        }
    }

    /** Applies the database's version of the PID if it is newer than this node's; whether there was one. */
    private boolean applyNewer(String pid) {
        Shared shared = read(pid);
        if (shared == null) {
            return false;
        }
        if (shared.version() > versions.getOrDefault(pid, -1L)) {
            if (!shared.properties().equals(local(pid))) {
                apply(pid, shared);
                LOG.info("Applied {} as node {} changed it (version {})", pid, shared.writtenBy(), shared.version());
            }
            inStep.put(pid, shared.properties());
            versions.put(pid, shared.version());
        }
        return true;
    }

    private long write(Connection c, String pid, String properties) throws SQLException {
        return VersionedRows.write(c, "shared_settings", "pid", pid, Map.of("properties", properties), node, clock.instant());
    }

    private record Shared(String properties, long version, String writtenBy) {
    }

    private Shared read(String pid) {
        try (Connection c = database.dataSource().getConnection()) {
            return read(c, pid);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the shared settings of " + pid + ": " + e.getMessage(), e);
        }
    }

    private static Shared read(Connection c, String pid) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT properties, version, written_by FROM shared_settings WHERE pid = ?")) {
            select.setString(1, pid);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? new Shared(rows.getString(1), rows.getLong(2), rows.getString(3)) : null;
            }
        }
    }

    /** This node's configuration of the PID in the shared form; null if it has none. */
    private String local(String pid) {
        try {
            Configuration configuration = configurations.getConfiguration(pid, "?");
            Dictionary<String, Object> properties = configuration.getProperties();
            return properties == null ? null : sharedForm(properties);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read configuration " + pid, e);
        }
    }

    private void apply(String pid, Shared shared) {
        try {
            Configuration configuration = configurations.getConfiguration(pid, "?");
            Dictionary<String, Object> current = configuration.getProperties();
            Hashtable<String, Object> next = new Hashtable<>(parse(shared.properties()));
            if (current != null && current.get("felix.fileinstall.filename") != null) {
                next.put("felix.fileinstall.filename", current.get("felix.fileinstall.filename"));
            }
            inStep.put(pid, shared.properties());
            configuration.update(next);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot apply the shared settings of " + pid, e);
        }
    }

    /** The shared properties as text: sorted, every value as a string, the node's own keys left out. */
    static String sharedForm(Dictionary<String, ?> properties) {
        Map<String, String> sorted = new TreeMap<>();
        for (Enumeration<String> keys = properties.keys(); keys.hasMoreElements();) {
            String key = keys.nextElement();
            if (!LOCAL_KEYS.contains(key)) {
                sorted.put(key, text(properties.get(key)));
            }
        }
        return sorted.entrySet().stream().map(e -> line(e.getKey(), e.getValue())).collect(Collectors.joining("\n"));
    }

    private static String text(Object value) {
        if (value instanceof String[] values) {
            return String.join(",", values);
        }
        if (value instanceof java.util.Collection<?> values) {
            return values.stream().map(String::valueOf).collect(Collectors.joining(","));
        }
        return String.valueOf(value);
    }

    /** One property as a properties-file line, escaped as {@link Properties#store} escapes it. */
    private static String line(String key, String value) {
        Properties one = new Properties();
        one.setProperty(key, value);
        StringWriter out = new StringWriter();
        try {
            one.store(out, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString().lines().filter(l -> !l.startsWith("#")).collect(Collectors.joining("\n"));
    }

    static Map<String, String> parse(String shared) {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(shared));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> parsed = new HashMap<>();
        properties.forEach((key, value) -> parsed.put((String) key, (String) value));
        return parsed;
    }
}
