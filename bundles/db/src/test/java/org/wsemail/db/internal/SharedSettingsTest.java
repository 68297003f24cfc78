package org.wsemail.db.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import java.util.Hashtable;
import java.util.List;
import java.util.Set;

import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameters;
import org.wsemail.testing.InMemoryConfigurationAdmin;
import org.wsemail.testing.TestDatabase;

/** Two nodes' configurations kept the same through the shared database. */
@RunWith(Parameterized.class)
public class SharedSettingsTest {
    private static final String PLUGINS = "org.wsemail.plugins";
    private static final String OVERRIDES = "org.wsemail.pluginsmanager.overrides";

    @Parameters(name = "{0}")
    public static List<String> kinds() {
        return TestDatabase.KINDS;
    }

    @Rule
    public final TestDatabase db;

    public SharedSettingsTest(String kind) {
        this.db = TestDatabase.of(kind);
    }

    private final InMemoryConfigurationAdmin first = new InMemoryConfigurationAdmin();
    private final InMemoryConfigurationAdmin second = new InMemoryConfigurationAdmin();
    private SharedSettings one;
    private SharedSettings two;

    @After
    public void stop() {
        for (SharedSettings node : new SharedSettings[] {one, two}) {
            if (node != null) {
                node.deactivate();
            }
        }
    }

    private SharedSettings node(InMemoryConfigurationAdmin configurations, String name) throws Exception {
        PooledDatabaseManager database = new PooledDatabaseManager(db.dataSource());
        database.migrate(JdbcServerNodes.SCHEMA);
        SharedSettings node = new SharedSettings(database, configurations.service(), name, Set.of(PLUGINS, OVERRIDES));
        node.start();
        return node;
    }

    @Test
    public void aChangeOnOneNodeIsAppliedOnTheOtherAndTheDatabaseWinsOverANewNodesOwnSettings() throws Exception {
        set(first, PLUGINS, "plugins", "mvn:org.wsemail.plugins/subject-tag/1.0");
        one = node(first, "mail1");
        set(second, PLUGINS, "plugins", "");
        second.properties(PLUGINS).put("felix.fileinstall.filename", "file:/node2/etc/org.wsemail.plugins.cfg");
        two = node(second, "mail2");
        assertEquals("the first node's list, taken by the second at its start", "mvn:org.wsemail.plugins/subject-tag/1.0",
                second.properties(PLUGINS).get("plugins"));
        assertEquals("each node keeps its own file", "file:/node2/etc/org.wsemail.plugins.cfg",
                second.properties(PLUGINS).get("felix.fileinstall.filename"));

        Hashtable<String, Object> priorities = new Hashtable<>();
        priorities.put("priority.vacation", 5);
        priorities.put("disabled.plugins", "subject-tag");
        first.service().getConfiguration(OVERRIDES, "?").update(priorities);
        one.share(OVERRIDES);
        assertNull("not before the other node looks", second.properties(OVERRIDES));
        two.look();
        assertEquals("5", second.properties(OVERRIDES).get("priority.vacation"));
        assertEquals("subject-tag", second.properties(OVERRIDES).get("disabled.plugins"));

        // The second node's own event for what it applied is no news: nothing is written back.
        two.share(OVERRIDES);
        set(second, PLUGINS, "plugins", "mvn:org.wsemail.plugins/subject-tag/1.0,mvn:org.wsemail.plugins/vacation/1.0");
        two.share(PLUGINS);
        one.look();
        assertEquals("mvn:org.wsemail.plugins/subject-tag/1.0,mvn:org.wsemail.plugins/vacation/1.0",
                first.properties(PLUGINS).get("plugins"));
        assertEquals(5, first.properties(OVERRIDES).get("priority.vacation"));
    }

    @Test
    public void aNodeStartingAgainKeepsWhatWasEditedWhileItWasStoppedIfItWroteTheSharedSettingsLast() throws Exception {
        set(first, PLUGINS, "plugins", "mvn:org.wsemail.plugins/subject-tag/1.0");
        one = node(first, "mail1");
        one.deactivate();
        // Edited while the node was stopped (etc/org.wsemail.plugins.cfg), no other node in between.
        set(first, PLUGINS, "plugins", "mvn:org.wsemail.plugins/vacation/1.0");
        one = node(first, "mail1");
        assertEquals("mvn:org.wsemail.plugins/vacation/1.0", first.properties(PLUGINS).get("plugins"));
        set(second, PLUGINS, "plugins", "");
        two = node(second, "mail2");
        assertEquals("the edit was shared", "mvn:org.wsemail.plugins/vacation/1.0", second.properties(PLUGINS).get("plugins"));
    }

    private static void set(InMemoryConfigurationAdmin configurations, String pid, String key, String value) throws Exception {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(key, value);
        configurations.service().getConfiguration(pid, "?").update(properties);
    }
}
