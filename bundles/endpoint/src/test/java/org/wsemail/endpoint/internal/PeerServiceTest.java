package org.wsemail.endpoint.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.Test;
import org.wsemail.api.Address;
import org.wsemail.api.AuthenticationMethod;
import org.wsemail.api.MailMessage;
import org.wsemail.api.MessageFlag;
import org.wsemail.api.ProcessingEnvironment;
import org.wsemail.api.plugin.ExtensionException;
import org.wsemail.api.server.DeliveryResult;
import org.wsemail.api.server.LocalMta;
import org.wsemail.api.server.MessageSigner;
import org.wsemail.api.server.SignedMail;
import org.wsemail.wire.FaultCodes;
import org.wsemail.wire.MessageCodec;
import org.wsemail.wire.soap.AnyXml;
import org.wsemail.wire.soap.DeliverBatch;
import org.wsemail.wire.soap.DeliverBatchResponse;
import org.wsemail.wire.soap.RecipientResult;
import org.wsemail.wire.soap.DeliveryStatus;
import org.wsemail.wire.soap.MailFault;
import org.wsemail.wire.soap.SignedMessage;

/** What the peer service accepts from another server, with the signature check's verdict given. */
public class PeerServiceTest {
    private static final MessageCodec CODEC = new MessageCodec();
    private static final Address ALICE = Address.parse("alice@a.test");
    private static final Address BOB = Address.parse("bob@b.test");
    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

    /** The domains the signer's certificate names, as the real signer would have found them; null: a bad signature. */
    private Set<String> signerDomains = Set.of("a.test");
    private final List<String> delivered = new ArrayList<>();
    private final List<ProcessingEnvironment> environments = new ArrayList<>();

    private final MessageSigner signer = new MessageSigner() {
        @Override
        public SignedMail sign(MailMessage message) {
            throw new UnsupportedOperationException();
        }

        @Override
        public VerifiedMessage verify(String signedXml) throws InvalidSignatureException {
            if (signerDomains == null) {
                throw new InvalidSignatureException("the signature does not match the message", null);
            }
            return new VerifiedMessage(new SignedMail(CODEC.read(signedXml), signedXml), signerDomains, "CN=server");
        }
    };

    private final LocalMta localMta = (mail, recipients, env) -> {
        environments.add(env);
        recipients.forEach(r -> delivered.add(r + " <- " + mail.message().subject()));
        return recipients.stream().map(r -> new DeliveryResult(r, DeliveryResult.Status.STORED, "message 1")).toList();
    };

    private PeerService service(boolean encrypted) {
        return new PeerService(signer, localMta, () -> "b.test", CODEC,
                new FixedCaller(Address.parse("postmaster@a.test"), null, encrypted), Duration.ofHours(168),
                Duration.ofMinutes(10), Clock.fixed(NOW, ZoneOffset.UTC), batchedExtra::addAndGet);
    }

    /** What the service counted for its batches beyond one message per request. */
    private final java.util.concurrent.atomic.AtomicLong batchedExtra = new java.util.concurrent.atomic.AtomicLong();

    private static SignedMessage signed(MailMessage message) {
        SignedMessage signed = new SignedMessage();
        signed.setAny(CODEC.toElement(message, "m-1"));
        return signed;
    }

    private static MailMessage message(MessageFlag... flags) {
        return MailMessage.builder().messageId("m1@a.test").sender(ALICE).recipient(BOB).recipient(Address.parse("carol@c.test"))
                .subject("Plans").flags(Set.of(flags)).timestamp(NOW.minusSeconds(30)).build();
    }

    @Test
    public void aMessageSignedForItsSendersDomainIsDeliveredToThisDomainsRecipientsOnly() throws Exception {
        List<RecipientResult> results = service(false).deliver(signed(message()), List.of("bob@b.test", "carol@c.test"));

        assertEquals(List.of("bob@b.test <- Plans"), delivered);
        assertEquals(DeliveryStatus.UNKNOWN_RECIPIENT, results.get(0).getStatus());
        assertEquals("this server serves b.test only and does not relay", results.get(0).getDetail());
        assertEquals(DeliveryStatus.STORED, results.get(1).getStatus());
        assertEquals("plug-ins see the sending domain's postmaster, authenticated by its certificate",
                Address.parse("postmaster@a.test"), environments.get(0).caller());
        assertEquals(AuthenticationMethod.SERVER_CERTIFICATE, environments.get(0).authentication());
    }

    @Test
    public void aBatchDeliversEachParcelOnItsOwnAndGivesARefusedOneItsFault() throws Exception {
        MailMessage second = MailMessage.builder().messageId("m2@a.test").sender(ALICE).recipient(BOB).subject("Lunch")
                .timestamp(NOW.minusSeconds(20)).build();
        List<DeliverBatch.Parcel> parcels = List.of(parcel(message(), "bob@b.test"), parcel(message(), "eve@b.test"),
                parcel(second, "bob@b.test"));

        List<DeliverBatchResponse.Outcome> outcomes = service(false).deliverBatch(parcels);

        assertEquals(3, outcomes.size());
        assertEquals(DeliveryStatus.STORED, outcomes.get(0).getResult().get(0).getStatus());
        assertNull(outcomes.get(0).getRefused());
        assertTrue("a refused parcel has no results", outcomes.get(1).getResult().isEmpty());
        assertEquals(FaultCodes.BAD_REQUEST, outcomes.get(1).getRefused().getCode());
        assertEquals("eve@b.test is not a recipient of this message", outcomes.get(1).getRefused().getMessage());
        assertEquals("bob@b.test", outcomes.get(2).getResult().get(0).getRecipient());
        assertEquals(List.of("bob@b.test <- Plans", "bob@b.test <- Lunch"), delivered);
        assertEquals("three messages in one request count as three", 2, batchedExtra.get());
    }

    @Test
    public void anEmptyOrOversizedBatchIsRefusedWhole() {
        List<DeliverBatch.Parcel> tooMany = new ArrayList<>();
        for (int i = 0; i <= PeerService.MAX_BATCH; i++) {
            tooMany.add(parcel(message(), "bob@b.test"));
        }
        for (List<DeliverBatch.Parcel> batch : List.of(List.<DeliverBatch.Parcel>of(), tooMany)) {
            try {
                service(false).deliverBatch(batch);
                fail("a batch of " + batch.size() + " was accepted");
            } catch (MailFault expected) {
                assertEquals(FaultCodes.BAD_REQUEST, expected.getFaultInfo().getCode());
            }
        }
        assertTrue(delivered.isEmpty());
    }

    private static DeliverBatch.Parcel parcel(MailMessage message, String recipient) {
        DeliverBatch.Parcel parcel = new DeliverBatch.Parcel();
        parcel.setSignedMessage(signed(message));
        parcel.getRecipient().add(recipient);
        return parcel;
    }

    @Test
    public void aBadSignatureOrOneForAnotherDomainStoresNothing() {
        signerDomains = null;
        assertRefused(List.of("bob@b.test"), message(), false, FaultCodes.SIGNATURE_INVALID, "the signature does not match the message");
        signerDomains = Set.of("c.test");
        assertRefused(List.of("bob@b.test"), message(), false, FaultCodes.SIGNATURE_INVALID,
                "the message from alice@a.test is signed by CN=server, whose certificate does not name a.test");
        assertTrue(delivered.isEmpty());
    }

    @Test
    public void aMessageMeantToTravelEncryptedIsRefusedInTheClear() throws Exception {
        assertRefused(List.of("bob@b.test"), message(MessageFlag.ENCRYPTED_DELIVERY), false, FaultCodes.BAD_REQUEST,
                "the sender asked for encrypted delivery of m1@a.test, but it arrived unencrypted; it was not stored");
        assertTrue(delivered.isEmpty());
        service(true).deliver(signed(message(MessageFlag.ENCRYPTED_DELIVERY)), List.of("bob@b.test"));
        assertEquals(List.of("bob@b.test <- Plans"), delivered);
    }

    @Test
    public void onlyTheMessagesOwnRecipientsAndNoEmptyRequestAreAccepted() {
        assertRefused(List.of("eve@b.test"), message(), false, FaultCodes.BAD_REQUEST, "eve@b.test is not a recipient of this message");
        assertRefused(List.of("eve"), message(), false, FaultCodes.BAD_REQUEST, "not a mail address (expected local@domain): 'eve'");
        try {
            service(false).deliver(new SignedMessage(), List.of("bob@b.test"));
            fail("an empty request was accepted");
        } catch (MailFault expected) {
            assertEquals(FaultCodes.BAD_REQUEST, expected.getFaultInfo().getCode());
        }
        assertTrue(delivered.isEmpty());
    }

    @Test
    public void staleOrFutureMailAndMessageIdsOfAnotherDomainAreRefused() {
        assertRefused(List.of("bob@b.test"), message().toBuilder().timestamp(NOW.minus(Duration.ofDays(8))).build(), false,
                FaultCodes.BAD_REQUEST, "message m1@a.test was sent at 2026-11-24T10:00:00Z, longer ago than the 168 hours"
                        + " this server accepts relayed mail for; it was not stored");
        assertRefused(List.of("bob@b.test"), message().toBuilder().timestamp(NOW.plus(Duration.ofHours(1))).build(), false,
                FaultCodes.BAD_REQUEST, "message m1@a.test is dated 2026-12-02T11:00:00Z, in the future; it was not stored");
        assertRefused(List.of("bob@b.test"), message().toBuilder().messageId("m1@b.test").build(), false,
                FaultCodes.BAD_REQUEST, "the message id m1@b.test does not belong to a.test, whose server signed it;"
                        + " it was not stored");
        assertRefused(List.of("bob@b.test"), message().toBuilder().messageId("m1\n2026-12-02 INFO forged log line@a.test").build(), false,
                FaultCodes.BAD_REQUEST, "the message id m1\\u000a2026-12-02 INFO forged log line@a.test is not up to 250 visible"
                        + " ASCII characters; it was not stored");
        assertTrue(delivered.isEmpty());
    }

    @Test
    public void serversMayNotCallExtensions() {
        try {
            service(false).extension("vacation", new AnyXml());
            fail("a server called an extension");
        } catch (MailFault expected) {
            assertEquals(ExtensionException.NOT_AUTHORIZED, expected.getFaultInfo().getCode());
        }
    }

    private void assertRefused(List<String> recipients, MailMessage message, boolean encrypted, String code, String reason) {
        try {
            service(encrypted).deliver(signed(message), recipients);
            fail("accepted");
        } catch (MailFault expected) {
            assertEquals(code, expected.getFaultInfo().getCode());
            assertEquals(reason, expected.getFaultInfo().getMessage());
        }
    }
}
