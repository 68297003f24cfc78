package org.wsemail.api.server;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;
import org.wsemail.api.Address;
import org.wsemail.api.MailMessage;
import org.wsemail.api.ProcessingEnvironment;

/**
 * The Local MTA: final delivery. For each local recipient it runs the delivery chain and stores what
 * no plug-in consumed in the recipient's mailbox.
 */
@ProviderType
public interface LocalMta {

    /**
     * Delivers a message to local recipients.
     *
     * @return one result per recipient, in the order given
     */
    List<LocalDelivery> deliver(MailMessage message, String signedXml, List<Address> recipients,
            ProcessingEnvironment env);

    /**
     * What happened for one recipient.
     *
     * @param recipient the recipient
     * @param status how it ended
     * @param detail the mailbox number, the consuming plug-in, or why it failed
     */
    record LocalDelivery(Address recipient, Status status, String detail) {
    }

    /** How delivery to one recipient ended. */
    enum Status {
        STORED, CONSUMED, UNKNOWN_RECIPIENT, FAILED
    }
}
