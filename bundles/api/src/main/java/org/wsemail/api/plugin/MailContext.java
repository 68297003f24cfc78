package org.wsemail.api.plugin;

import java.util.List;
import java.util.Set;

import org.osgi.annotation.versioning.ProviderType;
import org.wsemail.api.Address;
import org.wsemail.api.MailMessage;
import org.wsemail.api.MessageFlag;
import org.wsemail.api.ProcessingEnvironment;

/**
 * What a plug-in may ask of the server: the plug-in's view of it, as a mailet's {@code
 * MailetContext} is in Apache James. A plug-in never signs, queues or stores by itself; it asks
 * here, and the server does it the way it does for every message. A plug-in written against this
 * interface and the rest of this package needs no other part of the server.
 *
 * <p>Get it as an OSGi service ({@code @Reference MailContext context}). Each plug-in bundle gets
 * an instance of its own, which is how {@link #store()} knows whose state it holds.
 *
 * <p>Thread-safe; every method may be called from any plug-in call, concurrently.
 */
@ProviderType
public interface MailContext {

    /** The mail domain this server serves, in lower case, e.g. {@code a.example}. */
    String domain();

    /** This domain's postmaster, the sender of server notices such as bounces. */
    Address postmaster();

    /** True if the address belongs to this server's domain (whether or not such a user exists). */
    boolean isLocal(Address address);

    /** True if the address names a user of this server. */
    boolean isLocalUser(Address address);

    /**
     * Sends a new message from the server on behalf of a local sender: the server names it (a fresh
     * message id in this domain) and stamps it with the time, runs it through the sending chain as
     * it does a user's message (unless the sender is the postmaster: a server notice must not be
     * refused), signs it as this server and queues it. Returns once the message is durable.
     *
     * @param message the message; its sender must be an address of this domain
     * @return the id the message was sent under
     * @throws SubmissionException if a sending plug-in refused the message (nothing was queued)
     * @throws IllegalArgumentException if the sender is not of this domain
     */
    String submit(MailMessage message) throws SubmissionException;

    /**
     * Sends a message at once, for a sender who waits for the outcome (an instant message): as
     * {@link #submit}, but the message is delivered on the calling thread, to this server's users
     * and to the other domains' servers, and the outcome for each recipient is returned. What could
     * not be delivered now stays queued and is retried as mail is ({@link DeliveryReport.Outcome#PENDING}).
     *
     * @param message the message; its sender must be {@code sender}'s caller
     * @param sender the request of the sender: a user of this domain, or a visitor (logged in with
     *     another domain's token) who may write to users of this domain only
     * @return one report per recipient, in the order of the message's recipients
     * @throws SubmissionException if a sending plug-in refused the message (nothing was sent)
     * @throws IllegalArgumentException if the message's sender is not the caller, or a visitor writes
     *     beyond this domain
     */
    List<DeliveryReport> submitNow(MailMessage message, ProcessingEnvironment sender) throws SubmissionException;

    /**
     * Answers a message: a new message from {@code from} to the original's sender, submitted as by
     * {@link #submit}.
     *
     * @param original the message answered
     * @param from who answers, an address of this domain (usually the original's recipient)
     * @param subject the answer's subject
     * @param body the answer's body
     * @param flags flags of the answer, e.g. {@link MessageFlag#BULK} for an automatic one
     * @return the answer's message id
     * @throws SubmissionException if a sending plug-in refused the answer
     */
    default String reply(MailMessage original, Address from, String subject, String body, Set<MessageFlag> flags)
            throws SubmissionException {
        return submit(MailMessage.builder().sender(from).recipient(original.sender()).subject(subject).body(body)
                .flags(flags).build());
    }

    /**
     * Tells the sender of {@code original} that it did not reach {@code recipient}, and why, in a
     * notice from the {@link #postmaster()}. Notices are never sent about notices.
     *
     * @param reason why, in words the sender understands
     */
    void bounce(MailMessage original, Address recipient, String reason);

    /** This plug-in's persistent state: kept in the server's database, across restarts and reinstalls. */
    PluginStore store();
}
