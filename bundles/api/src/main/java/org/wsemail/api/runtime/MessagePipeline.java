package org.wsemail.api.runtime;

import org.osgi.annotation.versioning.ProviderType;
import org.w3c.dom.Element;
import org.wsemail.api.Address;
import org.wsemail.api.MailMessage;
import org.wsemail.api.ProcessingEnvironment;
import org.wsemail.api.plugin.ExtensionException;

/**
 * Runs messages and extension requests through the plug-in chains. Each call reads one immutable
 * snapshot of the chain, taken when the call starts: a plug-in installed, reordered or disabled
 * meanwhile takes effect from the next call, and no call ever sees a chain half-changed.
 *
 * <p>Thread-safe; called concurrently by the endpoints, the queue and the local MTA. Plug-in
 * failures never escape: they are logged, counted on the plug-in's {@link PluginDTO} and skipped.
 */
@ProviderType
public interface MessagePipeline {

    /** Runs the sending chain: the message as the last processor left it, or the first rejection. */
    SendingOutcome send(MailMessage message, ProcessingEnvironment env);

    /** Runs the delivery chain for one local recipient: consumed by a processor, or bound for the mailbox. */
    DeliveryOutcome deliver(MailMessage message, Address recipient, ProcessingEnvironment env);

    /**
     * Routes an extension request to the processor serving {@code extensionId}.
     *
     * @throws ExtensionException {@link ExtensionException#UNKNOWN_EXTENSION} when none serves it (or
     *     the extension stage or that plug-in is disabled), the processor's own fault, or {@link
     *     ExtensionException#EXTENSION_FAILED} when it failed
     */
    Element extension(String extensionId, Element request, ProcessingEnvironment env) throws ExtensionException;
}
