package org.wsemail.db.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;

import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.Rule;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameters;
import org.wsemail.testing.TestDatabase;

/** Transactions within transactions on one thread, and which failures run the work again. */
@RunWith(Parameterized.class)
public class PooledDatabaseManagerTest {
    @Parameters(name = "{0}")
    public static List<String> kinds() {
        return TestDatabase.KINDS;
    }

    @Rule
    public final TestDatabase db;

    public PooledDatabaseManagerTest(String kind) {
        this.db = TestDatabase.of(kind);
    }

    @Test
    public void workWithinWorkRunsOnTheOuterTransactionsConnection() throws Exception {
        PooledDatabaseManager database = new PooledDatabaseManager(db.dataSource());
        database.inTransaction(outer -> {
            assertSame(outer, database.inTransaction(inner -> inner));
            return null;
        });
    }

    @Test
    public void aLockConflictThatAnotherComponentWrappedRunsTheOuterWorkAgain() throws Exception {
        PooledDatabaseManager database = new PooledDatabaseManager(db.dataSource());
        AtomicInteger runs = new AtomicInteger();

        String result = database.inTransaction(c -> {
            if (runs.incrementAndGet() == 1) {
                try {
                    database.inTransaction(inner -> {
                        throw new SQLException("deadlock detected", "40P01");
                    });
                } catch (SQLException e) {
                    throw new IllegalStateException("cannot store the message", e);
                }
            }
            return "stored";
        });

        assertEquals("stored", result);
        assertEquals(2, runs.get());
    }

    @Test
    public void anyOtherFailureIsThrownAtOnce() throws Exception {
        PooledDatabaseManager database = new PooledDatabaseManager(db.dataSource());
        AtomicInteger runs = new AtomicInteger();
        IllegalStateException full = new IllegalStateException("the mailbox is full",
                new SQLException("value too long", "22001"));

        assertSame(full, assertThrows(IllegalStateException.class, () -> database.inTransaction(c -> {
            runs.incrementAndGet();
            throw full;
        })));
        assertEquals(1, runs.get());
    }
}
