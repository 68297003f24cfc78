package org.wsemail.store.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameters;
import org.wsemail.api.Address;
import org.wsemail.api.plugin.PluginStore;
import org.wsemail.api.server.DatabaseManager;
import org.wsemail.db.internal.PooledDatabaseManager;
import org.wsemail.testing.TestDatabase;

/** Plug-ins' state on a real Derby database: kept per plug-in and per user, across restarts, updated atomically. */
@RunWith(Parameterized.class)
public class JdbcPluginStatesTest {
    private static final Address BOB = Address.parse("bob@b.test");
    private static final Address CAROL = Address.parse("carol@b.test");

    @Parameters(name = "{0}")
    public static List<String> kinds() {
        return TestDatabase.KINDS;
    }

    @Rule
    public final TestDatabase db;

    public JdbcPluginStatesTest(String kind) {
        this.db = TestDatabase.of(kind);
    }

    private DatabaseManager database;

    @Before
    public void setUp() throws Exception {
        database = new PooledDatabaseManager(db.dataSource());
    }

    @Test
    public void valuesAreKeptPerPluginAndUserAndSurviveARestart() {
        PluginStore vacation = new JdbcPluginStates(database).forPlugin("org.example.vacation");
        vacation.put(BOB, "setting", "away");
        vacation.put(CAROL, "setting", "back monday");
        vacation.put("default", "7");
        new JdbcPluginStates(database).forPlugin("org.example.other").put(BOB, "setting", "not vacation's");

        PluginStore restarted = new JdbcPluginStates(database).forPlugin("org.example.vacation");
        assertEquals(Optional.of("away"), restarted.get(BOB, "setting"));
        assertEquals(Optional.of("7"), restarted.get("default"));
        assertEquals(Map.of(BOB, "away", CAROL, "back monday"), restarted.values("setting"));
        assertEquals("plug-in-wide values are nobody's", Map.of(), restarted.entries(Address.parse("x@b.test")));

        restarted.put(BOB, "setting", "away again");
        assertEquals(Map.of("setting", "away again"), restarted.entries(BOB));
        assertTrue(restarted.remove(BOB, "setting"));
        assertFalse(restarted.remove(BOB, "setting"));
        assertEquals(Optional.empty(), restarted.get(BOB, "setting"));
        assertEquals(1, restarted.removeAll(CAROL));
        assertEquals(Map.of(), restarted.values("setting"));
        assertEquals("another plug-in's value is untouched", Optional.of("not vacation's"),
                new JdbcPluginStates(database).forPlugin("org.example.other").get(BOB, "setting"));
    }

    @Test
    public void concurrentUpdatesOfOneValueLoseNothing() throws Exception {
        PluginStore counter = new JdbcPluginStates(database).forPlugin("org.example.counter");
        int threads = 4;
        int each = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                running.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        counter.update(BOB, "count", n -> String.valueOf(n == null ? 1 : Integer.parseInt(n) + 1));
                    }
                }));
            }
            for (Future<?> one : running) {
                one.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(Optional.of(String.valueOf(threads * each)), counter.get(BOB, "count"));
        assertEquals("an update that answers null removes the value", null, counter.update(BOB, "count", n -> null));
        assertEquals(Optional.empty(), counter.get(BOB, "count"));
    }

    @Test
    public void oversizedKeysAndValuesAreRefusedAndNothingIsStored() {
        PluginStore store = new JdbcPluginStates(database).forPlugin("org.example.sizes");
        try {
            store.put(BOB, "k".repeat(PluginStore.MAX_KEY + 1), "v");
            fail("a key over the limit was stored");
        } catch (IllegalArgumentException expected) {
            assertEquals("a key has 1 to " + PluginStore.MAX_KEY + " characters", expected.getMessage());
        }
        try {
            store.put(BOB, "k", "v".repeat(PluginStore.MAX_VALUE + 1));
            fail("a value over the limit was stored");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().startsWith("a value has at most"));
        }
        assertEquals(Map.of(), store.entries(BOB));
    }

    @Test
    public void aDeletedUsersStateGoesWithThem() {
        JdbcUserDirectory users = new JdbcUserDirectory(database, () -> "b.test", new PasswordHasher(1024, 1),
                new VerifiedCredentials(java.time.Duration.ofMinutes(5)));
        users.add(BOB, "bob-password-1".toCharArray());
        PluginStore store = new JdbcPluginStates(database).forPlugin("org.example.book");
        store.put(BOB, "name", "Bob");
        users.delete(BOB);
        assertEquals(Optional.empty(), store.get(BOB, "name"));
    }

    @Test
    public void pluginWideValuesAreListedByTheStartOfTheirKeysWithLikeCharactersTakenLiterally() {
        PluginStore store = new JdbcPluginStates(database).forPlugin("org.example.listing");
        store.put("attachment.1", "one");
        store.put("attachment.2", "two");
        store.put("attachment%x", "percent");
        store.put("attachments_all", "underscore");
        store.put("staged.9", "other");
        store.put(org.wsemail.api.Address.parse("bob@b.test"), "attachment.3", "a user's, not plug-in-wide");
        assertEquals(java.util.Map.of("attachment.1", "one", "attachment.2", "two"), store.entriesStartingWith("attachment."));
        assertEquals(java.util.Map.of("attachment%x", "percent"), store.entriesStartingWith("attachment%"));
        assertEquals(java.util.Map.of("attachments_all", "underscore"), store.entriesStartingWith("attachments_"));
        assertEquals(5, store.entriesStartingWith("").size());
    }
}
