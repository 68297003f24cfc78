package org.wsemail.localmta.internal;

import org.wsemail.api.Address;
import org.wsemail.api.server.UnknownUserException;

/** Which message ids were delivered to which recipients, for as long as a copy could come back. */
interface DeliveryLog {

    /** True if the message was delivered to the recipient before. */
    boolean delivered(String messageId, Address recipient);

    /** Records a delivery; recording one twice keeps one record. */
    void record(String messageId, Address recipient);

    /** A delivery that stores a copy and gives its number. */
    @FunctionalInterface
    interface Storing {
        long store() throws UnknownUserException;
    }

    /**
     * Stores a copy with {@code storing} and records the delivery; where both are kept in one
     * database, in one transaction: the copy and its record are kept together or not at all. This
     * one stores, then records.
     *
     * @return the copy's number
     */
    default long storeAndRecord(String messageId, Address recipient, Storing storing) throws UnknownUserException {
        long id = storing.store();
        record(messageId, recipient);
        return id;
    }
}
