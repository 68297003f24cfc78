package org.wsemail.localmta.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.Test;
import org.w3c.dom.Element;
import org.wsemail.api.Address;
import org.wsemail.api.AuthenticationMethod;
import org.wsemail.api.MailMessage;
import org.wsemail.api.ProcessingEnvironment;
import org.wsemail.api.runtime.DeliveryOutcome;
import org.wsemail.api.runtime.MessagePipeline;
import org.wsemail.api.runtime.SendingOutcome;
import org.wsemail.api.server.DeliveryResult;
import org.wsemail.api.server.DeliveryResult.Status;
import org.wsemail.api.server.MailStore;
import org.wsemail.api.server.MailboxFullException;
import org.wsemail.api.server.MessageHeader;
import org.wsemail.api.server.SignedMail;
import org.wsemail.api.server.StoredMessage;
import org.wsemail.api.server.UnknownUserException;
import org.wsemail.api.server.UserDirectory;
import org.wsemail.testing.RecordingSigner;

/** The delivery decisions of the Local MTA, with its collaborators replaced by simple in-memory ones. */
public class PipelineLocalMtaTest {
    private static final Address ALICE = Address.parse("alice@a.test");
    private static final Address BOB = Address.parse("bob@b.test");
    private static final Address CAROL = Address.parse("carol@b.test");
    private static final Address NOBODY = Address.parse("nobody@b.test");
    private static final ProcessingEnvironment ENV = ProcessingEnvironment.of(ALICE, AuthenticationMethod.SERVER_CERTIFICATE, false);

    private final Map<Address, String> mailboxes = new ConcurrentHashMap<>();
    /** Whom the delivery chain ran for. */
    private final List<Address> deliveries = new java.util.concurrent.CopyOnWriteArrayList<>();
    private boolean storeFails;
    /** The signed XML each delivery plug-in call was given. */
    private final List<String> signedSeen = new java.util.concurrent.CopyOnWriteArrayList<>();
    private boolean mailboxFull;

    private final MailStore store = new MailStore() {
        @Override
        public long store(Address mailbox, SignedMail mail) throws UnknownUserException {
            if (storeFails) {
                throw new IllegalStateException("disk full");
            }
            if (mailboxFull) {
                throw new MailboxFullException(mailbox, 1 << 20, 1 << 19, 1 << 20);
            }
            mailboxes.put(mailbox, mail.signedXml());
            return 7;
        }

        @Override
        public List<MessageHeader> headers(Address mailbox, Instant since) {
            return List.of();
        }

        @Override
        public Optional<StoredMessage> retrieve(Address mailbox, long id) {
            return Optional.empty();
        }

        @Override
        public int delete(Address mailbox, Collection<Long> ids) {
            return 0;
        }
    };

    private final UserDirectory users = new UserDirectory() {
        @Override
        public void add(Address user, char[] password) {
        }

        @Override
        public void setPassword(Address user, char[] password) {
        }

        @Override
        public boolean delete(Address user) {
            return false;
        }

        @Override
        public boolean exists(Address user) {
            return Set.of(BOB, CAROL).contains(user);
        }

        @Override
        public List<Address> list() {
            return List.of(BOB, CAROL);
        }

        @Override
        public boolean authenticate(Address user, char[] password) {
            return false;
        }
    };

    private final RecordingSigner signer = new RecordingSigner();

    /** Carol's copy is consumed (as if pushed to her online client); Bob's is tagged on the way. */
    private final MessagePipeline pipeline = new MessagePipeline() {
        @Override
        public SendingOutcome send(MailMessage message, ProcessingEnvironment env) {
            throw new UnsupportedOperationException();
        }

        @Override
        public DeliveryOutcome deliver(MailMessage message, Address recipient, ProcessingEnvironment env) {
            deliveries.add(recipient);
            signedSeen.add(env.signedMessage().orElse("(none)"));
            if (message.subject().startsWith("refuse")) {
                return DeliveryOutcome.refused(message, "gate", recipient + " does not take this from " + message.sender());
            }
            if (recipient.equals(CAROL)) {
                return DeliveryOutcome.consumed(message, "im", "pushed to client");
            }
            if (message.subject().startsWith("tag me")) {
                return DeliveryOutcome.toMailbox(message.toBuilder().subject("[tagged] " + message.subject()).build());
            }
            return DeliveryOutcome.toMailbox(message);
        }

        @Override
        public Element extension(String extensionId, Element request, ProcessingEnvironment env) {
            throw new UnsupportedOperationException();
        }
    };

    /** The delivery log, in memory. */
    private final Set<String> logged = ConcurrentHashMap.newKeySet();
    private final DeliveryLog log = new DeliveryLog() {
        @Override
        public boolean delivered(String messageId, Address recipient) {
            return logged.contains(messageId + " " + recipient);
        }

        @Override
        public void record(String messageId, Address recipient) {
            logged.add(messageId + " " + recipient);
        }
    };

    private final PipelineLocalMta mta = new PipelineLocalMta(pipeline, store, users, signer, log);

    private static MailMessage message(String subject) {
        return MailMessage.builder().sender(ALICE).recipient(BOB).recipient(CAROL).recipient(NOBODY).subject(subject).build();
    }

    @Test
    public void eachRecipientIsStoredConsumedOrReportedUnknown() {
        List<DeliveryResult> results = mta.deliver(new SignedMail(message("hello"), "<signed-by-a/>"), List.of(BOB, CAROL, NOBODY), ENV);

        assertEquals(List.of(new DeliveryResult(BOB, Status.STORED, "message 7"),
                new DeliveryResult(CAROL, Status.CONSUMED, "im: pushed to client"),
                new DeliveryResult(NOBODY, Status.UNKNOWN_RECIPIENT, "no such user: nobody@b.test")), results);
        assertEquals("the sending server's signed XML is stored as it came", "<signed-by-a/>", mailboxes.get(BOB));
        assertEquals(Set.of(BOB), mailboxes.keySet());
    }

    @Test
    public void aMessageChangedOnTheWayIsStoredSignedByThisServer() {
        mta.deliver(new SignedMail(message("tag me"), "<signed-by-a/>"), List.of(BOB), ENV);
        MailMessage changed = signer.signedMessages().get(0);
        assertEquals("[tagged] tag me", changed.subject());
        assertEquals(RecordingSigner.xml(changed), mailboxes.get(BOB));
    }

    @Test
    public void aMessageDeliveredBeforeIsNotDeliveredAgainEvenAfterItWasDeleted() {
        MailMessage message = message("once");
        mta.deliver(new SignedMail(message, "<signed-by-a/>"), List.of(BOB, CAROL), ENV);
        mailboxes.clear();
        deliveries.clear();

        List<DeliveryResult> again = mta.deliver(new SignedMail(message, "<signed-by-a/>"), List.of(BOB, CAROL), ENV);

        assertEquals(List.of(new DeliveryResult(BOB, Status.STORED, "delivered before"),
                new DeliveryResult(CAROL, Status.STORED, "delivered before")), again);
        assertTrue("nothing stored again", mailboxes.isEmpty());
        assertTrue("no delivery plug-in ran again", deliveries.isEmpty());
    }

    @Test
    public void aStorageFailureIsReportedForRetryNotLost() {
        storeFails = true;
        assertEquals(List.of(new DeliveryResult(BOB, Status.FAILED, "the receiving server could not store it; it will be retried")),
                mta.deliver(new SignedMail(message("hello"), "<x/>"), List.of(BOB), ENV));
    }

    @Test
    public void aFullMailboxRefusesTheMessageForGoodAndRemembersNoDelivery() {
        mailboxFull = true;
        assertEquals(List.of(new DeliveryResult(BOB, Status.UNKNOWN_RECIPIENT, "the mailbox of bob@b.test is full: 1.00 MiB"
                + " of its 1.00 MiB quota used; the message (0.50 MiB) does not fit")),
                mta.deliver(new SignedMail(message("hello"), "<x/>"), List.of(BOB), ENV));
        assertTrue("not logged as delivered", logged.isEmpty());
    }

    @Test
    public void aRefusalIsFinalAndNothingIsStoredOrRemembered() {
        assertEquals(List.of(new DeliveryResult(BOB, Status.UNKNOWN_RECIPIENT, "bob@b.test does not take this from alice@a.test")),
                mta.deliver(new SignedMail(message("refuse me"), "<x/>"), List.of(BOB), ENV));
        assertTrue(mailboxes.isEmpty());
        assertTrue(logged.isEmpty());
    }

    @Test
    public void deliveryPlugInsAreGivenTheMessageAsItsServerSignedIt() {
        mta.deliver(new SignedMail(message("hello"), "<signed-by-a/>"), List.of(BOB, CAROL), ENV);
        assertEquals(List.of("<signed-by-a/>", "<signed-by-a/>"), signedSeen);
    }
}
