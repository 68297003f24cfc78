package org.wsemail.api.server;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;
import org.wsemail.api.Address;
import org.wsemail.api.ProcessingEnvironment;

/**
 * The Local MTA: final delivery. For each local recipient it runs the delivery chain and stores what
 * no plug-in consumed in the recipient's mailbox. Idempotent: delivering the same message id to the
 * same recipient again stores no second copy.
 */
@ProviderType
public interface LocalMta {

    /**
     * Delivers a message to local recipients.
     *
     * @param mail the message as its sending server signed it, which is what is stored
     * @param env who handed the message to this server
     * @return one result per recipient, in the order given
     */
    List<DeliveryResult> deliver(SignedMail mail, List<Address> recipients, ProcessingEnvironment env);
}
