package org.wsemail.db.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

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
import org.wsemail.api.server.DatabaseManager.Migration;
import org.wsemail.api.server.DatabaseManager.Schema;
import org.wsemail.api.server.ServerNodes;

/**
 * This node's record among the nodes sharing the database ({@code server_nodes}): written when it
 * starts, its heartbeat renewed every interval, its stop noted. A node is alive while its heartbeat
 * is younger than three intervals. Two running nodes may not share a name: the second refuses to start.
 */
@Component(service = ServerNodes.class, configurationPid = JdbcServerNodes.PID)
@Designate(ocd = JdbcServerNodes.Config.class)
public class JdbcServerNodes implements ServerNodes {
    static final String PID = "org.wsemail.node";
    static final Schema SCHEMA = new Schema("nodes", JdbcServerNodes.class,
            List.of(new Migration(1, "server nodes", "V1__server_nodes.sql"),
                    new Migration(2, "settings shared by the nodes", "V2__shared_settings.sql"),
                    new Migration(3, "requests seen by the nodes", "V3__seen_requests.sql"),
                    new Migration(4, "files shared by the nodes", "V4__shared_files.sql")));
    /** Missing this many heartbeats, a node is taken for dead. */
    static final int MISSED_BEATS = 3;

    private static final Logger LOG = LoggerFactory.getLogger(JdbcServerNodes.class);

    @ObjectClassDefinition(name = "WSEmail server node", description = "This node among the nodes sharing the database.")
    public @interface Config {
        @AttributeDefinition(name = "Name", description = "Unique among the domain's nodes; empty: this host's name and"
                + " the server's installation directory", required = false)
        String name() default "";

        @AttributeDefinition(name = "Heartbeat (s)", description = "How often this node says it is alive")
        long heartbeat_seconds() default 10;
    }

    private final DatabaseManager database;
    private final Clock clock;
    private final String name;
    private final String host;
    private final String instance = UUID.randomUUID().toString();
    private final Duration heartbeat;
    private final ScheduledExecutorService beats;

    @Activate
    public JdbcServerNodes(Config config, @Reference DatabaseManager database) throws SQLException {
        this(database, Clock.systemUTC(), config.name().isBlank() ? defaultName() : config.name().strip(),
                Duration.ofSeconds(config.heartbeat_seconds()), true);
    }

    JdbcServerNodes(DatabaseManager database, Clock clock, String name, Duration heartbeat, boolean beating)
            throws SQLException {
        if (heartbeat.isZero() || heartbeat.isNegative()) {
            throw new IllegalArgumentException("heartbeat.seconds must be at least 1, not " + heartbeat.toSeconds());
        }
        this.database = database;
        this.clock = clock;
        this.name = name;
        this.host = hostName();
        this.heartbeat = heartbeat;
        database.migrate(SCHEMA);
        register();
        if (beating) {
            beats = Executors.newSingleThreadScheduledExecutor(task -> new Thread(task, "wsemail-node-heartbeat"));
            beats.scheduleAtFixedRate(this::beat, heartbeat.toMillis(), heartbeat.toMillis(), TimeUnit.MILLISECONDS);
        } else {
            beats = null;
        }
        LOG.info("Server node {} on {} started", name, host);
    }

    @Deactivate
    void deactivate() {
        if (beats != null) {
            beats.shutdownNow();
        }
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement stop = c.prepareStatement("UPDATE server_nodes SET stopped_at = ? WHERE name = ? AND instance = ?")) {
            stop.setTimestamp(1, Timestamp.from(clock.instant()));
            stop.setString(2, name);
            stop.setString(3, instance);
            stop.executeUpdate();
        } catch (SQLException e) {
            LOG.warn("Could not record that node {} stopped: {}", name, e.getMessage());
        }
    }

    @Override
    public String self() {
        return name;
    }

    @Override
    public List<Node> nodes() {
        Instant now = clock.instant();
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement select = c.prepareStatement("SELECT name, host, started_at, heartbeat_at, stopped_at"
                        + " FROM server_nodes ORDER BY name");
                ResultSet rows = select.executeQuery()) {
            List<Node> nodes = new ArrayList<>();
            while (rows.next()) {
                Instant last = rows.getTimestamp(4).toInstant();
                boolean alive = rows.getTimestamp(5) == null && last.isAfter(now.minus(heartbeat.multipliedBy(MISSED_BEATS)));
                nodes.add(new Node(rows.getString(1), rows.getString(2), rows.getTimestamp(3).toInstant(), last, alive));
            }
            return nodes;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the server nodes: " + e.getMessage(), e);
        }
    }

    /** Renews the heartbeat; for tests, and on the heartbeat thread. Never throws. */
    void beat() {
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement update = c.prepareStatement("UPDATE server_nodes SET heartbeat_at = ? WHERE name = ? AND instance = ?")) {
            update.setTimestamp(1, Timestamp.from(clock.instant()));
            update.setString(2, name);
            update.setString(3, instance);
            if (update.executeUpdate() == 0) {
                LOG.error("Another server node started under this node's name {}: give each node its own name"
                        + " (name in etc/{}.cfg)", name, PID);
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Node {} could not beat its heartbeat (the database is out of reach?): {}", name, e.getMessage());
        }
    }

    /** Records this node as started; refuses when a live node already runs under its name. */
    private void register() throws SQLException {
        Instant now = clock.instant();
        database.inTransaction(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT heartbeat_at, stopped_at, host FROM server_nodes"
                    + " WHERE name = ? FOR UPDATE")) {
                select.setString(1, name);
                try (ResultSet rows = select.executeQuery()) {
                    if (rows.next()) {
                        Instant last = rows.getTimestamp(1).toInstant();
                        if (rows.getTimestamp(2) == null && last.isAfter(now.minus(heartbeat.multipliedBy(MISSED_BEATS)))
                                && !rows.getString(3).equals(host)) {
                            throw new IllegalStateException("a server node named " + name + " runs on " + rows.getString(3)
                                    + " (heartbeat " + last + "): give this node another name (name in etc/" + PID + ".cfg)");
                        }
                        try (PreparedStatement update = c.prepareStatement("UPDATE server_nodes SET host = ?, instance = ?,"
                                + " started_at = ?, heartbeat_at = ?, stopped_at = NULL WHERE name = ?")) {
                            update.setString(1, host);
                            update.setString(2, instance);
                            update.setTimestamp(3, Timestamp.from(now));
                            update.setTimestamp(4, Timestamp.from(now));
                            update.setString(5, name);
                            update.executeUpdate();
                        }
                        return null;
                    }
                }
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO server_nodes (name, host, instance, started_at,"
                    + " heartbeat_at, stopped_at) VALUES (?, ?, ?, ?, ?, NULL)")) {
                insert.setString(1, name);
                insert.setString(2, host);
                insert.setString(3, instance);
                insert.setTimestamp(4, Timestamp.from(now));
                insert.setTimestamp(5, Timestamp.from(now));
                insert.executeUpdate();
            }
            return null;
        });
    }

    /** This host's name and the server's installation directory: unique per installation, stable across restarts. */
    static String defaultName() {
        String home = System.getProperty("karaf.home", System.getProperty("user.dir"));
        return hostName() + ":" + Path.of(home).toAbsolutePath().normalize();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
