package org.wsemail.endpoint.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import javax.xml.ws.Holder;

import org.junit.Test;
import org.w3c.dom.Element;
import org.wsemail.api.Address;
import org.wsemail.api.AuthenticationMethod;
import org.wsemail.api.MailMessage;
import org.wsemail.api.ProcessingEnvironment;
import org.wsemail.api.plugin.ExtensionException;
import org.wsemail.api.plugin.PluginXml;
import org.wsemail.api.runtime.DeliveryOutcome;
import org.wsemail.api.runtime.MessagePipeline;
import org.wsemail.api.runtime.SendingOutcome;
import org.wsemail.api.server.MailStore;
import org.wsemail.api.server.MessageHeader;
import org.wsemail.api.server.SignedMail;
import org.wsemail.api.server.StoredMessage;
import org.wsemail.testing.InMemoryUserDirectory;
import org.wsemail.testing.RecordingMailQueue;
import org.wsemail.wire.FaultCodes;
import org.wsemail.wire.MessageCodec;
import org.wsemail.wire.soap.AnyXml;
import org.wsemail.wire.soap.MailFault;
import org.wsemail.wire.soap.Message;
import org.wsemail.wire.soap.SignedMessage;

/** The client service's rules, with WS-Security's verdict given and the server's parts in memory. */
public class ClientServiceTest {
    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
    private static final MessageCodec CODEC = new MessageCodec();

    private final RecordingMailQueue queue = new RecordingMailQueue();
    private String refusal;
    private String extensionFault;

    private final MessagePipeline pipeline = new MessagePipeline() {
        @Override
        public SendingOutcome send(MailMessage message, ProcessingEnvironment env) {
            if (refusal != null) {
                return SendingOutcome.rejected("size-limit", refusal);
            }
            // A plug-in that tries to change the sender: the server keeps the authenticated one.
            return SendingOutcome.accepted(message.toBuilder().sender(Address.parse("mallory@c.test")).build());
        }

        @Override
        public DeliveryOutcome deliver(MailMessage message, Address recipient, ProcessingEnvironment env) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Element extension(String extensionId, Element request, ProcessingEnvironment env) throws ExtensionException {
            if (extensionFault != null) {
                throw new ExtensionException(ExtensionException.NOT_AUTHORIZED, extensionFault);
            }
            Element answer = PluginXml.answer("echo");
            answer.setAttribute("caller", env.caller().toString());
            answer.setAttribute("local", String.valueOf(env.isLocalUser()));
            return answer;
        }
    };

    private final MailStore store = new MailStore() {
        @Override
        public long store(Address mailbox, SignedMail mail) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<MessageHeader> headers(Address mailbox, Instant since) {
            return List.of(new MessageHeader(7, Address.parse("bob@b.test"), "Hi", NOW, Set.of(), 100));
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

    /** Users: 3 recipients a message, 5 an hour, 4 KiB an hour; visitors: 1, 2, 1 KiB. */
    private final SendingLimits limits = new SendingLimits(new SendingLimits.Limits(3, 5, 4096),
            new SendingLimits.Limits(1, 2, 1024), NOW::toEpochMilli);

    private ClientService service(AuthenticationMethod method, Caller caller, long maxBytes) {
        return new ClientService(new ClientService.Parts(pipeline, queue, store, () -> "a.test",
                new InMemoryUserDirectory(Address.parse("alice@a.test"), Address.parse("anne@a.test"),
                        Address.parse("amy@a.test"), Address.parse("ada@a.test")),
                (user, certificate, audience) -> PluginXml.answer("token"), CODEC, maxBytes, limits,
                Clock.fixed(NOW, ZoneOffset.UTC)), method, caller);
    }

    private ClientService alice() {
        return service(AuthenticationMethod.USERNAME_TOKEN, FixedCaller.user("alice@a.test"), 1000);
    }

    private static Message message(String subject, String body, String... to) {
        Message wire = new Message();
        wire.getRecipient().addAll(List.of(to));
        wire.setSubject(subject);
        wire.setBody(body);
        return wire;
    }

    @Test
    public void aSendIsQueuedFromTheAuthenticatedUserUnderANameOfThisDomain() throws Exception {
        Holder<String> id = new Holder<>();
        Holder<Integer> entries = new Holder<>();
        alice().send(message("Lunch?", "Noon?", "anne@a.test", "bob@b.test"), id, entries);

        MailMessage queued = queue.queued().get(0);
        assertEquals("the sender is who logged in, whatever a plug-in made of it", Address.parse("alice@a.test"), queued.sender());
        assertTrue(id.value, id.value.endsWith("@a.test"));
        assertEquals(id.value, queued.messageId());
        assertEquals(NOW, queued.timestamp());
    }

    @Test
    public void anUnknownLocalRecipientRefusesTheWholeMessage() {
        assertRefused(() -> alice().send(message("s", "b", "bob@b.test", "nobody@a.test"), new Holder<>(), new Holder<>()),
                FaultCodes.UNKNOWN_RECIPIENT, "no such user: nobody@a.test; nothing was sent");
        assertTrue(queue.queued().isEmpty());
    }

    @Test
    public void anOversizedMessageIsRefused() {
        assertRefused(() -> alice().send(message("s", "x".repeat(1200), "anne@a.test"), new Holder<>(), new Holder<>()),
                FaultCodes.MESSAGE_TOO_LARGE, "the message is 1201 bytes; this server accepts at most 1000");
        assertTrue(queue.queued().isEmpty());
    }

    @Test
    public void aSendingPluginsRefusalReachesTheSenderAndNothingIsQueued() {
        refusal = "the body is 2 KiB; this server accepts bodies up to 1 KiB";
        assertRefused(() -> alice().send(message("s", "b", "anne@a.test"), new Holder<>(), new Holder<>()),
                FaultCodes.REJECTED, refusal);
        assertTrue(queue.queued().isEmpty());
    }

    @Test
    public void sendsBeyondTheSendersLimitsAreRefusedAndARefusedSendCountsForNothing() throws Exception {
        assertRefused(() -> alice().send(message("s", "b", "anne@a.test", "amy@a.test", "ada@a.test", "bob@b.test"),
                new Holder<>(), new Holder<>()), FaultCodes.LIMIT_EXCEEDED,
                "the message has 4 recipients; a user may send to at most 3 at once; nothing was sent");
        refusal = "not today";
        assertRefused(() -> alice().send(message("s", "b", "anne@a.test", "amy@a.test", "ada@a.test"), new Holder<>(), new Holder<>()),
                FaultCodes.REJECTED, refusal);
        refusal = null;
        alice().send(message("s", "b", "anne@a.test", "amy@a.test", "ada@a.test"), new Holder<>(), new Holder<>());
        alice().send(message("s", "b", "anne@a.test", "amy@a.test"), new Holder<>(), new Holder<>());
        assertRefused(() -> alice().send(message("s", "b", "anne@a.test"), new Holder<>(), new Holder<>()), FaultCodes.LIMIT_EXCEEDED,
                "sending this would make 6 recipients within an hour; a user may reach at most 5 an hour; try again later;"
                        + " nothing was sent");
        assertEquals(2, queue.queued().size());

        ClientService visitor = service(AuthenticationMethod.FEDERATED_TOKEN, FixedCaller.user("val@c.test"), 10_000);
        assertRefused(() -> visitor.send(message("s", "x".repeat(1100), "anne@a.test"), new Holder<>(), new Holder<>()),
                FaultCodes.LIMIT_EXCEEDED, "sending this (1.1 KiB: its size times its recipients) would make 1.1 KiB within"
                        + " an hour; a visitor may send at most 1.0 KiB an hour; try again later; nothing was sent");
    }

    @Test
    public void aClientCannotHaveTheServerSignAnAttachmentDescriptionItDidNotWrite() {
        Message claimsALocation = message("s", "b", "anne@a.test");
        claimsALocation.getAttachment().add(onDemand("report.pdf", "https://c.test/wsemail"));
        assertRefused(() -> alice().send(claimsALocation, new Holder<>(), new Holder<>()), FaultCodes.BAD_REQUEST,
                "attachment report.pdf says where to fetch it; only the sending server writes that, for an attachment it keeps;"
                        + " nothing was sent");

        Message staged = message("s", "b", "anne@a.test");
        staged.getAttachment().add(onDemand("report.pdf", null));
        assertRefused(() -> alice().send(staged, new Holder<>(), new Holder<>()), FaultCodes.REJECTED,
                "attachment report.pdf was uploaded to be kept on this server, but no plug-in here keeps attachments"
                        + " (on-demand-attachments is not installed); attach the file itself; nothing was sent");
        assertTrue(queue.queued().isEmpty());
    }

    private static org.wsemail.wire.soap.Attachment onDemand(String name, String location) {
        org.wsemail.wire.soap.OnDemand described = new org.wsemail.wire.soap.OnDemand();
        described.setGuid("3f1c0a52-upload");
        described.setSize(1234);
        described.setSha256("ab".repeat(32));
        described.setVersion(1);
        described.setLocation(location);
        org.wsemail.wire.soap.Attachment attachment = new org.wsemail.wire.soap.Attachment();
        attachment.setName(name);
        attachment.setContentType("application/pdf");
        attachment.setOnDemand(described);
        return attachment;
    }

    @Test
    public void aMalformedRecipientIsABadRequest() {
        assertRefused(() -> alice().send(message("s", "b", "anne"), new Holder<>(), new Holder<>()), FaultCodes.BAD_REQUEST,
                "not a mail address (expected local@domain): 'anne'");
    }

    @Test
    public void aVisitorSendsOnlyToThisDomainAndHasNoMailbox() throws Exception {
        ClientService visitor = service(AuthenticationMethod.FEDERATED_TOKEN, FixedCaller.user("val@c.test"), 1000);
        assertRefused(() -> visitor.send(message("s", "b", "anne@a.test", "bob@b.test"), new Holder<>(), new Holder<>()),
                FaultCodes.NOT_AUTHORIZED, "a visitor from c.test may send only to users of a.test, not to bob@b.test;"
                        + " nothing was sent");
        assertRefused(() -> visitor.listHeaders(null), FaultCodes.NOT_AUTHORIZED,
                "val@c.test is a visitor from c.test and has no mailbox at a.test; a visitor may send to users of a.test"
                        + " and call extensions");
        assertRefused(() -> visitor.delete(List.of(1L)), FaultCodes.NOT_AUTHORIZED, null);

        visitor.send(message("s", "b", "anne@a.test"), new Holder<>(), new Holder<>());
        assertEquals(Address.parse("val@c.test"), queue.queued().get(0).sender());
        Element echo = visitor.extension("echo", any(PluginXml.answer("ping"))).getAny();
        assertEquals("a visitor is not a local user to the plug-ins", "false", echo.getAttribute("local"));
    }

    @Test
    public void aUserReadsTheirOwnMailboxAndNoOtherMessage() throws Exception {
        assertEquals(7, alice().listHeaders(null).get(0).getId());
        assertRefused(() -> alice().retrieve(8, List.of(), new Holder<>(), new Holder<SignedMessage>()), FaultCodes.NO_SUCH_MESSAGE,
                "no message 8 in your mailbox");
    }

    @Test
    public void aReadNamesAtMostFourHeldCertificatesEachByItsSha256Digest() throws Exception {
        List<byte[]> five = List.of(new byte[32], new byte[32], new byte[32], new byte[32], new byte[32]);
        assertRefused(() -> alice().retrieve(7, five, new Holder<>(), new Holder<SignedMessage>()), FaultCodes.BAD_REQUEST,
                "a read may name at most 4 held certificates, each by its SHA-256 digest (32 bytes); it named 5");
        assertRefused(() -> alice().retrieve(7, List.of(new byte[20]), new Holder<>(), new Holder<SignedMessage>()),
                FaultCodes.BAD_REQUEST, "a read may name at most 4 held certificates, each by its SHA-256 digest (32 bytes); it named 1");
    }

    @Test
    public void extensionsNeedAnArgumentAndTheirFaultsReachTheCaller() throws Exception {
        assertRefused(() -> alice().extension("echo", new AnyXml()), FaultCodes.BAD_REQUEST,
                "an extension request needs an XML argument");
        assertEquals("alice@a.test", alice().extension("echo", any(PluginXml.answer("ping"))).getAny().getAttribute("caller"));
        extensionFault = "only postmasters";
        assertRefused(() -> alice().extension("echo", any(PluginXml.answer("ping"))), ExtensionException.NOT_AUTHORIZED,
                "only postmasters");
    }

    @Test
    public void onlyACertificateLoginGetsATokenAndOnlyForAnotherDomain() throws Exception {
        assertRefused(() -> alice().requestToken("b.test"), FaultCodes.NOT_AUTHORIZED,
                "a token is bound to your certificate: log in with it (the certificate endpoint) to ask for one");
        X509Certificate certificate = org.wsemail.security.Pki.issueUserCertificate(
                org.wsemail.security.Pki.createAuthority("CA", java.time.Duration.ofDays(1)), "alice@a.test",
                java.time.Duration.ofDays(1)).certificate();
        ClientService byCertificate = service(AuthenticationMethod.X509_CERTIFICATE,
                new FixedCaller(Address.parse("alice@a.test"), certificate, false), 1000);
        assertEquals("token", byCertificate.requestToken("B.Test").getAny().getLocalName());
        assertRefused(() -> byCertificate.requestToken("a.test"), FaultCodes.BAD_REQUEST,
                "a token is for another domain's server, not for a.test");
        assertRefused(() -> byCertificate.requestToken("not a domain"), FaultCodes.BAD_REQUEST,
                "'not a domain' is not a mail domain");
    }

    private static AnyXml any(Element element) {
        AnyXml any = new AnyXml();
        any.setAny(element);
        return any;
    }

    private interface Call {
        void run() throws Exception;
    }

    private static void assertRefused(Call call, String code, String message) {
        try {
            call.run();
            fail("accepted");
        } catch (MailFault fault) {
            assertEquals(code, fault.getFaultInfo().getCode());
            if (message != null) {
                assertEquals(message, fault.getFaultInfo().getMessage());
            }
        } catch (Exception e) {
            throw new AssertionError("not a fault: " + e, e);
        }
    }
}
