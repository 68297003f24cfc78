package org.wsemail.api.server;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;
import org.wsemail.api.Address;

/**
 * The way out to Internet mail: delivers to a domain that publishes no WSEmail server over SMTP, to
 * its mail exchangers. Offered by the optional SMTP gateway; while it is absent, mail to such a
 * domain is bounced as before. Thread-safe; the queue calls it from several delivery threads.
 */
@ProviderType
public interface InternetMail {

    /**
     * Hands a message to {@code domain}'s Internet mail servers, trying them in order of preference.
     *
     * @param domain the recipients' domain, which publishes no WSEmail server
     * @param mail the message as this server signed or received it
     * @param recipients the message's recipients at {@code domain}
     * @return one result per recipient: {@link DeliveryResult.Status#CONSUMED} when a server took it
     *     (it is then that server's), {@link DeliveryResult.Status#UNKNOWN_RECIPIENT} for a permanent
     *     refusal (SMTP 5xx; the sender gets a bounce with the server's words), {@link
     *     DeliveryResult.Status#FAILED} when no server could be reached or one refused for now (4xx),
     *     to be tried again later
     */
    List<DeliveryResult> deliver(String domain, SignedMail mail, List<Address> recipients);
}
