package org.wsemail.api.server;

import java.util.Objects;

import org.wsemail.api.MailMessage;

/**
 * A message as kept in a mailbox: its number in that mailbox, the message, and the XMLDSIG signature
 * the sending server put on it (serialized XML), which the reading client verifies itself.
 *
 * @param id the message's number in its mailbox
 * @param message the message
 * @param signature the sending server's signature element as XML text, or {@code null} for a
 *     message the server created itself (e.g. a bounce)
 */
public record StoredMessage(long id, MailMessage message, String signature) {

    public StoredMessage {
        Objects.requireNonNull(message, "message");
    }
}
