package org.wsemail.api.server;

import java.time.Instant;
import java.util.Set;

import org.wsemail.api.Address;
import org.wsemail.api.MessageFlag;

/**
 * What a mailbox listing shows of a message without fetching it.
 *
 * @param id the message's number in its mailbox
 * @param sender the sender
 * @param subject the subject
 * @param timestamp when it was sent
 * @param flags its flags (a form attached, an instant message, ...)
 * @param size its size in bytes as stored
 */
public record MessageHeader(long id, Address sender, String subject, Instant timestamp, Set<MessageFlag> flags,
        long size) {

    public MessageHeader {
        flags = Set.copyOf(flags);
    }
}
