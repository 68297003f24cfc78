package org.wsemail.mailcontext.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.Test;
import org.w3c.dom.Element;
import org.wsemail.api.Address;
import org.wsemail.api.AuthenticationMethod;
import org.wsemail.api.MailMessage;
import org.wsemail.api.MessageFlag;
import org.wsemail.api.ProcessingEnvironment;
import org.wsemail.api.plugin.DeliveryReport;
import org.wsemail.api.plugin.SubmissionException;
import org.wsemail.api.runtime.DeliveryOutcome;
import org.wsemail.api.runtime.MessagePipeline;
import org.wsemail.api.runtime.SendingOutcome;
import org.wsemail.testing.InMemoryPluginStore;
import org.wsemail.testing.InMemoryUserDirectory;
import org.wsemail.testing.RecordingMailQueue;

/** What a plug-in's requests become: the sending chain, the server's naming and signing queue, bounces. */
public class ServerMailContextTest {
    private static final Address BOB = Address.parse("bob@b.test");
    private static final Address ALICE = Address.parse("alice@a.test");

    private final RecordingMailQueue queue = new RecordingMailQueue();
    private final List<ProcessingEnvironment> chainCalls = new ArrayList<>();
    private String refusal;

    /** Tags the subject, or refuses when the test says so. */
    private final MessagePipeline pipeline = new MessagePipeline() {
        @Override
        public SendingOutcome send(MailMessage message, ProcessingEnvironment env) {
            chainCalls.add(env);
            if (refusal != null) {
                return SendingOutcome.rejected("relay-control", refusal);
            }
            return SendingOutcome.accepted(message.toBuilder().subject("[b] " + message.subject())
                    .sender(Address.parse("forged@c.test")).build());
        }

        @Override
        public DeliveryOutcome deliver(MailMessage message, Address recipient, ProcessingEnvironment env) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Element extension(String extensionId, Element request, ProcessingEnvironment env) {
            throw new UnsupportedOperationException();
        }
    };

    private final ServerMailContext context = new ServerMailContext("org.example.plugin", () -> "b.test",
            new InMemoryUserDirectory(BOB), pipeline, queue, plugin -> new InMemoryPluginStore());

    private static MailMessage original() {
        return MailMessage.builder().messageId("m1@a.test").sender(ALICE).recipient(BOB).subject("Lunch?").body("Noon?").build();
    }

    @Test
    public void aMessageSentAtOnceRunsTheChainAsItsSenderAndReportsEachRecipient() throws Exception {
        ProcessingEnvironment bob = ProcessingEnvironment.of(BOB, AuthenticationMethod.USERNAME_TOKEN, true);
        MailMessage im = MailMessage.builder().sender(BOB).recipient(ALICE).recipient(Address.parse("carol@b.test"))
                .subject("IM").flag(MessageFlag.INSTANT_MESSAGE).build();
        List<DeliveryReport> reports = context.submitNow(im, bob);

        assertEquals(List.of(ALICE, Address.parse("carol@b.test")), reports.stream().map(DeliveryReport::recipient).toList());
        assertEquals(DeliveryReport.Outcome.STORED, reports.get(0).outcome());
        assertEquals("the chain saw the sender's own request", List.of(bob), chainCalls);
        MailMessage sent = queue.queued().get(0);
        assertEquals("the sender stays who asked", BOB, sent.sender());
        assertTrue(sent.messageId(), sent.messageId().endsWith("@b.test"));

        ProcessingEnvironment visitor = ProcessingEnvironment.of(ALICE, AuthenticationMethod.FEDERATED_TOKEN, false);
        context.submitNow(MailMessage.builder().sender(ALICE).recipient(BOB).subject("IM").build(), visitor);
        assertRefused(() -> context.submitNow(MailMessage.builder().sender(ALICE).recipient(Address.parse("dan@d.test"))
                .subject("IM").build(), visitor), "a visitor from a.test may send only to users of b.test, not to [dan@d.test]");
        assertRefused(() -> context.submitNow(MailMessage.builder().sender(ALICE).recipient(BOB).subject("IM").build(), bob),
                "the message is from alice@a.test, but the request from bob@b.test");
        assertRefused(() -> context.submitNow(MailMessage.builder().sender(ALICE).recipient(BOB).subject("IM").build(),
                ProcessingEnvironment.of(ALICE, AuthenticationMethod.X509_CERTIFICATE, false)),
                "a visitor from a.test may send only to users of b.test");
        assertEquals(2, queue.queued().size());
    }

    private interface Submission {
        void run() throws Exception;
    }

    private static void assertRefused(Submission submission, String message) {
        try {
            submission.run();
            fail("accepted; expected: " + message);
        } catch (IllegalArgumentException expected) {
            assertEquals(message, expected.getMessage());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    public void anAnswerRunsTheSendingChainAsTheServerAndIsQueuedUnderANameOfThisDomain() throws Exception {
        String id = context.reply(original(), BOB, "Re: Lunch?", "Yes.", Set.of(MessageFlag.BULK));

        assertTrue(id, id.endsWith("@b.test"));
        MailMessage queued = queue.queued().get(0);
        assertEquals(id, queued.messageId());
        assertEquals("a sending plug-in may change the message, not who sends it", BOB, queued.sender());
        assertEquals("[b] Re: Lunch?", queued.subject());
        assertEquals(List.of(ALICE), queued.recipients());
        assertTrue(queued.hasFlag(MessageFlag.BULK));
        assertEquals(AuthenticationMethod.INTERNAL, chainCalls.get(0).authentication());
        assertEquals(BOB, chainCalls.get(0).caller());
    }

    @Test
    public void aRefusedMessageIsNotQueuedAndThePluginHearsWhy() {
        refusal = "no mail to a.test today";
        try {
            context.submit(MailMessage.builder().sender(BOB).recipient(ALICE).subject("x").build());
            fail("a refused message was accepted");
        } catch (SubmissionException expected) {
            assertEquals("relay-control", expected.refusedBy());
            assertEquals("no mail to a.test today", expected.getMessage());
        }
        assertTrue(queue.queued().isEmpty());
    }

    @Test
    public void aPluginSendsOnlyAsThisDomainAndNoticesSkipTheChain() throws Exception {
        try {
            context.submit(MailMessage.builder().sender(ALICE).recipient(BOB).build());
            fail("a plug-in sent as another domain");
        } catch (IllegalArgumentException expected) {
            assertEquals("a plug-in sends only as an address of b.test, not as alice@a.test", expected.getMessage());
        }
        refusal = "would refuse anything";
        context.submit(MailMessage.builder().sender(context.postmaster()).recipient(ALICE).subject("Notice").build());
        assertEquals("a notice from the postmaster is not put to the sending chain", List.of(), chainCalls);
        assertEquals("Notice", queue.queued().get(0).subject());
    }

    @Test
    public void aBounceIsAskedOfTheQueueWithTheReason() {
        MailMessage original = original();
        context.bounce(original, BOB, "Bob is not taking instant messages");
        RecordingMailQueue.Bounce bounce = queue.bounces().get(0);
        assertEquals(original, bounce.original());
        assertEquals(BOB, bounce.failures().get(0).recipient());
        assertEquals("Bob is not taking instant messages", bounce.failures().get(0).detail());
    }

    @Test
    public void knowsItsDomainAndItsUsers() {
        assertEquals("b.test", context.domain());
        assertEquals(Address.parse("postmaster@b.test"), context.postmaster());
        assertTrue(context.isLocal(Address.parse("nobody@b.test")));
        assertTrue(context.isLocalUser(BOB));
        assertTrue(!context.isLocalUser(Address.parse("nobody@b.test")));
        assertTrue(!context.isLocalUser(ALICE));
    }
}
