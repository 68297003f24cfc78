package org.wsemail.smtpgateway.internal;

import java.time.Instant;
import java.util.List;

import org.wsemail.api.Address;

/**
 * What the SMTP session said about a message, besides the message itself: kept with the message for
 * its recipients (the gateway's trace), since the sender's domain vouched for none of it.
 *
 * @param client the connecting host's address
 * @param helo the name it gave in HELO/EHLO, or empty
 * @param mailFrom the envelope sender, empty for a notice ({@code MAIL FROM:<>})
 * @param recipients the accepted envelope recipients, all local users
 * @param tls whether the session was encrypted (STARTTLS)
 * @param received when the gateway accepted it
 */
record Envelope(String client, String helo, String mailFrom, List<Address> recipients, boolean tls, Instant received) {

    Envelope {
        recipients = List.copyOf(recipients);
    }
}
