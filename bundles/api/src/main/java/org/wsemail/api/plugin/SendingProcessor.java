package org.wsemail.api.plugin;

import org.osgi.annotation.versioning.ConsumerType;
import org.wsemail.api.MailMessage;
import org.wsemail.api.ProcessingEnvironment;

/**
 * Runs when the server first receives a message from an authenticated sender, before the message is
 * queued: the role sendmail's checks play (relay permission, size limits, stripping attachments for
 * on-demand storage).
 *
 * <p>Called concurrently; see the package documentation for lifecycle and ordering.
 */
@ConsumerType
public interface SendingProcessor {

    /**
     * Examines, changes or refuses one message.
     *
     * @param message the message as the previous processor left it
     * @param env the authenticated sender and their request
     * @return {@link SendingDecision#accept()}, {@link SendingDecision#accept(MailMessage)} with a
     *     changed copy, or {@link SendingDecision#reject(String)} to refuse the message with a
     *     reason the sender will see
     * @throws Exception on failure: the server logs it, counts it, and goes on with {@code message}
     */
    SendingDecision process(MailMessage message, ProcessingEnvironment env) throws Exception;
}
