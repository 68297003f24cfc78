package org.wsemail.client;

import org.wsemail.api.MailMessage;

/**
 * A message as read from the mailbox, with what its signature showed.
 *
 * @param id its number in the mailbox
 * @param message the message
 * @param verified true if the sending server's signature verified against the trusted roots and its
 *     certificate names the sender's domain (or, for a visitor's message, the reader's own domain,
 *     whose server took it from the visitor on a token from the visitor's domain)
 * @param signatureReport who signed it, or why the signature did not verify; for people
 */
public record ReadMessage(long id, MailMessage message, boolean verified, String signatureReport) {
}
