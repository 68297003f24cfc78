package org.wsemail.api.server;

import java.util.Objects;

import org.wsemail.api.MailMessage;

/**
 * A message and the XML its sending server signed, as one value: what the queue holds, what is
 * relayed, what the Local MTA delivers and what a mailbox keeps. The two always describe the same
 * message, so nobody has to keep a message and its signed form in step by hand.
 *
 * @param message the message, for what the server reads of it (recipients, flags, sender)
 * @param signedXml the WSEmail message element with the sending server's XMLDSIG signature, exactly
 *     as signed: it is stored, relayed and handed to readers as it is
 */
public record SignedMail(MailMessage message, String signedXml) {

    public SignedMail {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(signedXml, "signedXml");
    }

    /** The message's id. */
    public String messageId() {
        return message.messageId();
    }
}
