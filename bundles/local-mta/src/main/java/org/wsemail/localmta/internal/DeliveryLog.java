package org.wsemail.localmta.internal;

import org.wsemail.api.Address;

/** Which message ids were delivered to which recipients, for as long as a copy could come back. */
interface DeliveryLog {

    /** True if the message was delivered to the recipient before. */
    boolean delivered(String messageId, Address recipient);

    /** Records a delivery; recording one twice keeps one record. */
    void record(String messageId, Address recipient);
}
