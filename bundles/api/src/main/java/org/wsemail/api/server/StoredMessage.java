package org.wsemail.api.server;

import java.util.Objects;

/**
 * A message as kept in a mailbox: its header, and the message XML exactly as the sending server
 * signed it, signature included, so that the reading client can verify the signature itself.
 *
 * @param header what a listing shows of it, with its number in the mailbox
 * @param signedXml the WSEmail message element with the sending server's XMLDSIG signature
 */
public record StoredMessage(MessageHeader header, String signedXml) {

    public StoredMessage {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(signedXml, "signedXml");
    }

    public long id() {
        return header.id();
    }
}
