package org.wsemail.api.plugin;

import org.osgi.annotation.versioning.ConsumerType;
import org.wsemail.api.Address;
import org.wsemail.api.MailMessage;
import org.wsemail.api.ProcessingEnvironment;

/**
 * Runs at the final destination, once per local recipient, before the message reaches the
 * recipient's mailbox: the role procmail and vacation play. A processor may consume the message
 * (an instant message pushed to an online client, a form routed onward), in which case no later
 * processor sees it and it is not stored; or pass it on, changed or not, to the next processor and
 * finally the mailbox.
 *
 * <p>Called concurrently; see the package documentation for lifecycle and ordering.
 */
@ConsumerType
public interface DeliveryProcessor {

    /**
     * Handles one message for one recipient.
     *
     * @param message the message as the previous processor left it
     * @param recipient the local recipient this delivery is for
     * @param env the party that handed the message to this server, and {@code recipient}
     * @return {@link DeliveryDecision#pass()}, {@link DeliveryDecision#pass(MailMessage)} or
     *     {@link DeliveryDecision#consume(String)}
     * @throws Exception on failure: the server logs it, counts it, and goes on with {@code message}
     */
    DeliveryDecision deliver(MailMessage message, Address recipient, ProcessingEnvironment env) throws Exception;
}
