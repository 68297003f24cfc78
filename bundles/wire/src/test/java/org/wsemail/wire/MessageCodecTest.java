package org.wsemail.wire;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.Test;
import org.w3c.dom.Element;
import org.wsemail.api.Address;
import org.wsemail.api.Attachment;
import org.wsemail.api.MailMessage;
import org.wsemail.api.MessageFlag;
import org.wsemail.wire.soap.Message;

public class MessageCodecTest {
    private static final MessageCodec CODEC = new MessageCodec();
    private static final Address ALICE = Address.parse("alice@a.test");
    private static final Address BOB = Address.parse("bob@b.test");

    private static MailMessage sample() {
        return MailMessage.builder().messageId("m-1@a.test").sender(ALICE).recipient(BOB)
                .recipient(Address.parse("carol@a.test")).subject("Lunch <today> & more").body("Line 1\nLine 2")
                .timestamp(Instant.parse("2026-11-28T12:34:56.789Z")).flag(MessageFlag.FORM)
                .flag(MessageFlag.INSTANT_MESSAGE)
                .attachment(new Attachment("plan.txt", "text/plain", new byte[] {1, 2, 3})).build();
    }

    @Test
    public void aMessageSurvivesTheRoundTripThroughItsXmlElement() {
        Element element = CODEC.toElement(sample(), "msg-1");

        assertEquals(MessageCodec.NAMESPACE, element.getNamespaceURI());
        assertEquals("message", element.getLocalName());
        assertEquals("msg-1", element.getAttribute("Id"));
        assertEquals("the Id is registered for signature references", element,
                element.getOwnerDocument().getElementById("msg-1"));
        assertEquals(sample(), CODEC.fromElement(element));
        assertEquals(sample().flags(), CODEC.flags(element));
    }

    @Test
    public void anOnDemandAttachmentTravelsAsItsDescriptionAndAPlainHttpLocationIsRefused() {
        Attachment.OnDemand described = new Attachment.OnDemand("5a29-guid", 300_000, "ab".repeat(32), 2,
                java.net.URI.create("https://mail.a.test:8443/wsemail"));
        MailMessage message = sample().toBuilder().attachments(List.of(Attachment.onDemand("report.pdf", "application/pdf", described)))
                .build();
        Element element = CODEC.toElement(message, "msg-2");
        assertEquals(message, CODEC.fromElement(element));
        assertEquals(described, CODEC.fromElement(element).attachments().get(0).onDemand().orElseThrow());

        String plainHttp = CODEC.toText(element).replace("https://mail.a.test", "http://mail.a.test");
        try {
            CODEC.fromElement(CODEC.parse(plainHttp));
            fail("an attachment fetched over plain HTTP");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("https only"));
        }
    }

    @Test
    public void theServerNotTheClientDecidesSenderIdAndTime() {
        Message fromClient = CODEC.toWire(sample());
        fromClient.setSender("mallory@evil.test");
        fromClient.setMessageId("forged");
        Instant now = Instant.parse("2026-11-28T13:00:00Z");

        MailMessage accepted = CODEC.fromClient(fromClient, ALICE, "server-id@a.test", now);

        assertEquals(ALICE, accepted.sender());
        assertEquals("server-id@a.test", accepted.messageId());
        assertEquals(now, accepted.timestamp());
        assertEquals(List.of(BOB, Address.parse("carol@a.test")), accepted.recipients());
        assertEquals(Set.of(MessageFlag.FORM, MessageFlag.INSTANT_MESSAGE), accepted.flags());
    }

    @Test
    public void malformedInputIsRefusedWithAReason() {
        Message bad = CODEC.toWire(sample());
        bad.getRecipient().set(0, "not-an-address");
        try {
            CODEC.fromClient(bad, ALICE, "id", Instant.now());
            fail("accepted a bad recipient");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("not-an-address"));
        }

        Message relayed = CODEC.toWire(sample());
        relayed.setSender(null);
        try {
            CODEC.fromWire(relayed);
            fail("accepted a relayed message without a sender");
        } catch (IllegalArgumentException expected) {
            assertEquals("a relayed message needs its messageId, sender and timestamp", expected.getMessage());
        }

        Element other = CODEC.toElement(sample(), "x").getOwnerDocument().createElementNS("urn:other", "message");
        try {
            CODEC.fromElement(other);
            fail("accepted a foreign element");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage().startsWith("not a WSEmail message element"));
        }
    }

    /**
     * Parsers are kept between uses: each parse still reads only its own text, from several threads at
     * once, after refusals, and a kept parser still refuses a document type declaration.
     */
    @Test
    public void parsersKeptBetweenUsesReadEachTextAloneAndStayHardened() throws Exception {
        String[] texts = new String[4];
        for (int i = 0; i < texts.length; i++) {
            texts[i] = CODEC.toText(CODEC.toElement(MailMessage.builder().messageId("m-" + i + "@a.test").sender(ALICE)
                    .recipient(BOB).subject("subject " + i).body("body " + i).timestamp(Instant.EPOCH).build(), "id-" + i));
        }
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<Void>> done = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                done.add(threads.submit(() -> {
                    for (int round = 0; round < 200; round++) {
                        int i = round % texts.length;
                        assertEquals("subject " + i, CODEC.read(texts[i]).subject());
                        if (round % 50 == 0) {
                            try {
                                CODEC.parse("<message><unclosed></message>");
                                fail("parsed malformed XML");
                            } catch (IllegalArgumentException expected) {
                                assertTrue(expected.getMessage(), expected.getMessage().startsWith("not well-formed XML"));
                            }
                        }
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<Void> each : done) {
                each.get();
            }
        } finally {
            threads.shutdown();
        }
        try {
            CODEC.parse("<!DOCTYPE m [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><m>&e;</m>");
            fail("a kept parser took a document type declaration");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("DOCTYPE"));
        }
    }

    /** Found by the codec's fuzz target: an element named ":ody" came out of JAXB as a DOMException. */
    @Test
    public void anElementWhoseNameIsNotANamespaceNameIsRefusedAsMalformed() {
        String xml = "<message xmlns=\"http://wsemail.org/2026/mail\" Id=\"m2\"><messageId>m3@a.test</messageId>"
                + "<sender>ann@a.test</sender><recipient>bob@b.test</recipient><subject>Photos</subject><:ody/>"
                + "<timestamp>2026-12-02T10:00:00.000Z</timestamp></message>";
        try {
            CODEC.read(xml);
            fail("read a message with an element named :ody");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().startsWith("malformed WSEmail message"));
        }
    }

    /** Found by the codec's fuzz target: an unknown flag came out as a NullPointerException. */
    @Test
    public void anUnknownFlagOrAnAttachmentWithoutNameIsRefusedWithAReason() {
        String xml = CODEC.toText(CODEC.toElement(sample(), "m"));
        for (String bad : new String[] {
            xml.replaceFirst("<flag>[A-Z_]+</flag>", "<flag>GNCRYPTED_DELIVERY</flag>"),
            xml.replaceFirst("<name>[^<]*</name>", "")}) {
            try {
                CODEC.read(bad);
                fail("accepted " + bad);
            } catch (IllegalArgumentException expected) {
                assertTrue(expected.getMessage(), expected.getMessage().startsWith("unknown message flag")
                        || expected.getMessage().startsWith("an attachment needs a name"));
            }
        }
    }
}
