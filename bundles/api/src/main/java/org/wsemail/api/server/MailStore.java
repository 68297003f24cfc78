package org.wsemail.api.server;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;
import org.wsemail.api.Address;

/**
 * The data accessor: users' mailboxes. Each method is one transaction.
 */
@ProviderType
public interface MailStore {

    /**
     * Stores a message in a local user's mailbox. Idempotent per message id and mailbox: storing the
     * same message id again returns the existing entry's number and stores nothing, so a retried
     * delivery leaves one copy.
     *
     * @param mail the message (for the header columns) with the XML the sending server signed,
     *     returned as it is on retrieve
     * @return the message's number in the mailbox
     * @throws UnknownUserException if {@code mailbox} is not a user of this server
     * @throws MailboxFullException if the message would take the mailbox beyond its quota
     */
    long store(Address mailbox, SignedMail mail) throws UnknownUserException;

    /** Headers of messages in the mailbox sent at or after {@code since}, oldest first. */
    List<MessageHeader> headers(Address mailbox, Instant since);

    Optional<StoredMessage> retrieve(Address mailbox, long id);

    /** Deletes the given messages; numbers not in the mailbox are ignored. Returns how many were deleted. */
    int delete(Address mailbox, Collection<Long> ids);
}
