package org.wsemail.smtpgateway.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import org.apache.james.jdkim.DKIMVerifier;
import org.junit.Test;
import org.wsemail.api.Address;
import org.wsemail.api.Attachment;
import org.wsemail.api.MailMessage;
import org.wsemail.api.MessageFlag;

/** Internet mail to a WSEmail message and back, and the DKIM signature on what goes out. */
public class InternetMailConversionTest {
    private static final Address ALICE = Address.parse("alice@local.test");
    private static final Envelope ENVELOPE = new Envelope("192.0.2.1", "mx.legacy.test", "carol@legacy.test",
            List.of(ALICE), true, Instant.parse("2026-12-02T10:00:00Z"));

    private static byte[] crlf(String text) {
        return text.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    public void aMultipartMessageKeepsItsTextItsHtmlAndItsFilesAndIsMarkedAsLegacyMail() {
        byte[] raw = crlf("""
                From: Carol <carol@legacy.test>
                To: alice@local.test
                Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary="b1"

                --b1
                Content-Type: multipart/alternative; boundary="b2"

                --b2
                Content-Type: text/plain; charset=UTF-8

                Hello Alice
                --b2
                Content-Type: text/html; charset=UTF-8

                <p>Hello Alice</p>
                --b2--
                --b1
                Content-Type: application/octet-stream
                Content-Disposition: attachment; filename="data.bin"
                Content-Transfer-Encoding: base64

                AAECAw==
                --b1--
                """);

        MailMessage message = LegacyMessages.fromSmtp(raw, ENVELOPE, "none", "none");

        assertEquals("carol@legacy.test", message.sender().toString());
        assertEquals(List.of(ALICE), message.recipients());
        assertEquals("Grüße", message.subject());
        assertEquals("Hello Alice", message.body().trim());
        assertTrue(message.hasFlag(MessageFlag.LEGACY_MAIL));
        assertEquals(List.of("message.html", "data.bin", "smtp-trace.txt"),
                message.attachments().stream().map(Attachment::name).toList());
        assertEquals("<p>Hello Alice</p>", new String(message.attachments().get(0).content(), StandardCharsets.UTF_8).trim());
        assertArrayEquals(new byte[] {0, 1, 2, 3}, message.attachments().get(1).content());
        String trace = new String(message.attachments().get(2).content(), StandardCharsets.UTF_8);
        assertTrue(trace, trace.contains("Envelope sender: <carol@legacy.test>") && trace.contains("Encrypted (STARTTLS): yes")
                && trace.contains("Client: 192.0.2.1 (HELO mx.legacy.test)") && trace.contains("DKIM: none")
                && trace.contains("Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?="));
    }

    @Test
    public void aMalformedMessageLosesNothingItsBytesAreAttachedAsTheyArrived() {
        byte[] raw = crlf("""
                From: carol@legacy.test
                Subject: broken
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary="never-closed"

                --never-closed
                Content-Type: text/plain

                What could be read
                """);

        MailMessage message = LegacyMessages.fromSmtp(raw, ENVELOPE, "none", "none");

        assertTrue(message.body(), message.body().startsWith("(This message is not well-formed Internet mail"));
        assertTrue(message.body(), message.body().contains("What could be read"));
        Attachment original = message.attachments().stream().filter(a -> a.name().equals("original.eml")).findFirst().orElseThrow();
        assertArrayEquals(raw, original.content());
    }

    @Test
    public void withoutAUsableFromHeaderTheEnvelopeSenderIsTheSender() {
        MailMessage message = LegacyMessages.fromSmtp(crlf("Subject: no from\n\nbody\n"), ENVELOPE, "none", "none");
        assertEquals("carol@legacy.test", message.sender().toString());
        Envelope bounce = new Envelope("192.0.2.1", "mx", "", List.of(ALICE), false, ENVELOPE.received());
        assertEquals(LegacyMessages.UNKNOWN_SENDER, LegacyMessages.fromSmtp(crlf("Subject: x\n\nbody\n"), bounce, "none", "none").sender());
    }

    @Test
    public void outgoingMailCarriesADkimSignatureThatVerifiesWithThePublishedKeyAndFailsWhenChanged() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair key = generator.generateKeyPair();
        MailMessage message = MailMessage.builder().sender(ALICE).recipient(Address.parse("carol@legacy.test"))
                .subject("Report").body("Numbers inside").attachment(new Attachment("n.csv", "text/csv", crlf("a,b\n1,2\n")))
                .build();

        byte[] signed = InternetMessages.dkimSigned(InternetMessages.toMime(message, message.recipients(), "local.test"),
                "local.test", "wsemail", key.getPrivate());

        String record = "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(key.getPublic().getEncoded());
        DKIMVerifier verifier = new DKIMVerifier((method, selector, token) -> {
            assertEquals("wsemail._domainkey.local.test", selector + "._domainkey." + token);
            return List.of(record);
        });
        assertEquals(1, verifier.verify(new java.io.ByteArrayInputStream(signed)).size());
        String text = new String(signed, StandardCharsets.UTF_8);
        assertTrue(text, text.contains("Message-ID: <" + message.messageId() + "@local.test>"));
        MailMessage read = LegacyMessages.fromSmtp(signed, ENVELOPE, "none", "none");
        assertEquals("Report", read.subject());
        assertEquals("Numbers inside", read.body().trim());
        assertEquals("n.csv", read.attachments().get(0).name());

        byte[] changed = new String(signed, StandardCharsets.UTF_8).replace("Numbers inside", "Numbers outside")
                .getBytes(StandardCharsets.UTF_8);
        try {
            verifier.verify(new java.io.ByteArrayInputStream(changed));
            throw new AssertionError("a changed body passed the DKIM check");
        } catch (org.apache.james.jdkim.exceptions.FailException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("bodyhash"));
        }
    }
}
