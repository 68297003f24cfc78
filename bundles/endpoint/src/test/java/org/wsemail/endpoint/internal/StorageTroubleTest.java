package org.wsemail.endpoint.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import java.io.IOException;
import java.sql.SQLException;

import org.junit.Test;

public class StorageTroubleTest {

    @Test
    public void aFullDiskIsSaidAsSuchWhereverItIsInTheCauses() {
        SQLException derby = new SQLException("A network protocol error was encountered", "XSLA4",
                new IOException("No space left on device"));
        assertEquals("it is out of storage space", StorageTrouble.of(new IllegalStateException("cannot queue", derby)));
        assertEquals("it is out of storage space", StorageTrouble.of(
                new IllegalStateException("cannot queue", new SQLException("could not extend file", "53100"))));
    }

    @Test
    public void anotherDatabaseFailureIsTheDatabaseUnavailableAndOtherFailuresAreNotStorage() {
        assertEquals("its database is unavailable", StorageTrouble.of(
                new IllegalStateException("cannot queue", new SQLException("No current connection.", "08003"))));
        assertNull(StorageTrouble.of(new IllegalStateException("a bug", new NullPointerException())));
    }
}
