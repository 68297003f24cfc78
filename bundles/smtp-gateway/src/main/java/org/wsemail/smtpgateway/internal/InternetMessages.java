package org.wsemail.smtpgateway.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.util.Date;
import java.util.List;

import org.apache.james.jdkim.DKIMSigner;
import org.apache.james.jdkim.exceptions.FailException;
import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.dom.field.ParseException;
import org.apache.james.mime4j.message.BodyPartBuilder;
import org.apache.james.mime4j.message.DefaultMessageWriter;
import org.apache.james.mime4j.message.MultipartBuilder;
import org.apache.james.mime4j.stream.RawField;
import org.wsemail.api.Address;
import org.wsemail.api.Attachment;
import org.wsemail.api.MailMessage;

/**
 * A WSEmail message written as Internet mail (RFC 5322 and MIME) for a domain that has no WSEmail
 * server, and DKIM-signed with this domain's key, since the XML signature cannot travel over SMTP.
 * Stateless and thread-safe.
 */
final class InternetMessages {
    /** The headers the DKIM signature covers. */
    static final String SIGNED_HEADERS = "from:to:subject:date:message-id:mime-version:content-type";
    static final String MESSAGE_ID_HEADER = "X-WSEmail-Message-Id";

    private InternetMessages() {
    }

    /**
     * @param domain this server's domain, for the Message-ID
     * @return the message as CRLF-terminated bytes, without a DKIM signature
     */
    static byte[] toMime(MailMessage message, List<Address> recipients, String domain) {
        try {
            Message.Builder mime = Message.Builder.of()
                    .setFrom(message.sender().toString())
                    .setTo(recipients.stream().map(Address::toString).toArray(String[]::new))
                    .setSubject(message.subject())
                    .setDate(Date.from(message.timestamp()))
                    .setMessageId("<" + (message.messageId().contains("@") ? message.messageId() : message.messageId() + "@" + domain) + ">")
                    .setField(new RawField(MESSAGE_ID_HEADER, message.messageId()));
            String body = message.body() + onDemandNotes(message);
            List<Attachment> files = message.attachments().stream().filter(a -> a.onDemand().isEmpty()).toList();
            if (files.isEmpty()) {
                mime.setBody(body, StandardCharsets.UTF_8).setContentTransferEncoding("quoted-printable");
            } else {
                MultipartBuilder parts = MultipartBuilder.create("mixed").addBodyPart(BodyPartBuilder.create()
                        .setBody(body, StandardCharsets.UTF_8).setContentTransferEncoding("quoted-printable"));
                for (Attachment file : files) {
                    parts.addBodyPart(BodyPartBuilder.create().setBody(file.content(), file.contentType())
                            .setContentTransferEncoding("base64").setContentDisposition("attachment", file.name()));
                }
                mime.setBody(parts.build());
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            new DefaultMessageWriter().writeMessage(mime.build(), out);
            return out.toByteArray();
        } catch (ParseException e) {
            throw new IllegalArgumentException("an address cannot be written as Internet mail: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Attachments kept on this server cannot be fetched by an Internet mail reader: say so in the text. */
    private static String onDemandNotes(MailMessage message) {
        StringBuilder notes = new StringBuilder();
        for (Attachment attachment : message.attachments()) {
            attachment.onDemand().ifPresent(kept -> notes.append("\n[Attachment ").append(attachment.name()).append(" (")
                    .append(kept.size()).append(" bytes) is kept on the sender's WSEmail server; a WSEmail client fetches it.]"));
        }
        return notes.length() == 0 ? "" : "\n" + notes;
    }

    /**
     * The message with a {@code DKIM-Signature} header (RFC 6376, rsa-sha256, relaxed/relaxed) first.
     *
     * @param selector the selector under which the public key is published ({@code selector._domainkey.domain})
     */
    static byte[] dkimSigned(byte[] mime, String domain, String selector, PrivateKey key) {
        DKIMSigner signer = new DKIMSigner("v=1; a=rsa-sha256; c=relaxed/relaxed; d=" + domain + "; s=" + selector
                + "; h=" + SIGNED_HEADERS + "; bh=; b=;", key);
        try {
            String header = signer.sign(new ByteArrayInputStream(mime));
            byte[] first = (header + "\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] signed = new byte[first.length + mime.length];
            System.arraycopy(first, 0, signed, 0, first.length);
            System.arraycopy(mime, 0, signed, first.length, mime.length);
            return signed;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (FailException e) {
            throw new IllegalStateException("cannot DKIM-sign the message: " + e.getMessage(), e);
        }
    }
}
