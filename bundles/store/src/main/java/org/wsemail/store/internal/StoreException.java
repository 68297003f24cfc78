package org.wsemail.store.internal;

import java.sql.SQLException;

/** The database failed; the message says what the store was doing. */
final class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StoreException(String doing, SQLException cause) {
        super(doing + ": " + cause.getMessage() + " (SQLState " + cause.getSQLState() + ")", cause);
    }
}
