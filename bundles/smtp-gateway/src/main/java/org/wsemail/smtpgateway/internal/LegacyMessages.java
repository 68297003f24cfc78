package org.wsemail.smtpgateway.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.dom.Body;
import org.apache.james.mime4j.dom.Entity;
import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.dom.Multipart;
import org.apache.james.mime4j.dom.SingleBody;
import org.apache.james.mime4j.dom.TextBody;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.dom.address.MailboxList;
import org.apache.james.mime4j.message.DefaultMessageBuilder;
import org.apache.james.mime4j.message.DefaultMessageWriter;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;
import org.wsemail.api.Address;
import org.wsemail.api.Attachment;
import org.wsemail.api.MailMessage;
import org.wsemail.api.MessageFlag;

/**
 * Internet mail, as it arrived over SMTP, made a WSEmail message: sender, subject, the plain text as
 * the body, an HTML version kept as the attachment {@value #HTML_NAME}, files as attachments, and the
 * gateway's trace ({@value #TRACE_NAME}: the SMTP envelope, the SPF and DKIM results, the original headers).
 * Flagged {@link MessageFlag#LEGACY_MAIL}. A message that is not well-formed MIME loses nothing: what
 * could be read becomes the message, and the bytes as they arrived are attached as {@value #ORIGINAL_NAME}.
 * Stateless and thread-safe.
 */
final class LegacyMessages {
    static final String TRACE_NAME = "smtp-trace.txt";
    static final String HTML_NAME = "message.html";
    static final String ORIGINAL_NAME = "original.eml";
    /** The sender given when neither the From header nor the envelope names a usable address. */
    static final Address UNKNOWN_SENDER = Address.parse("unknown-sender@invalid");

    private static final MimeConfig STRICT = MimeConfig.custom().setStrictParsing(true).setMaxHeaderCount(1000)
            .setMaxLineLen(10_000).build();
    private static final MimeConfig LENIENT = MimeConfig.custom().setMaxHeaderCount(1000).setMaxLineLen(-1)
            .setMaxHeaderLen(-1).build();

    private LegacyMessages() {
    }

    /**
     * @param raw the message as it arrived (after the DATA command)
     * @param envelope what the session said
     * @param spf the SPF result, in words ("pass ...", "fail ...", "none ...")
     * @param dkim the DKIM result, in words ("pass (d=example.org)", "none", "fail: ...")
     */
    static MailMessage fromSmtp(byte[] raw, Envelope envelope, String spf, String dkim) {
        Message mime;
        String unreadable = null;
        try {
            mime = parse(raw, STRICT, DecodeMonitor.STRICT);
        } catch (IOException | MimeException | RuntimeException strictFailure) {
            unreadable = strictFailure.getMessage() == null ? strictFailure.getClass().getSimpleName() : strictFailure.getMessage();
            try {
                mime = parse(raw, LENIENT, DecodeMonitor.SILENT);
            } catch (IOException | MimeException | RuntimeException e) {
                mime = null;
            }
        }
        Parts parts = new Parts();
        if (mime != null) {
            try {
                parts.collect(mime.getBody());
            } catch (IOException | RuntimeException e) {
                unreadable = unreadable == null ? e.getMessage() : unreadable;
            }
        }
        MailMessage.Builder message = MailMessage.builder()
                .sender(sender(mime, envelope))
                .recipients(envelope.recipients())
                .subject(mime == null || mime.getSubject() == null ? "" : mime.getSubject())
                .timestamp(envelope.received())
                .flag(MessageFlag.LEGACY_MAIL);
        String body = parts.text != null ? parts.text
                : parts.html != null ? "(This message came as HTML only: it is attached as " + HTML_NAME + ".)" : "";
        if (unreadable != null) {
            body = "(This message is not well-formed Internet mail (" + unreadable + "). What could be read is below;"
                    + " the message as it arrived is attached as " + ORIGINAL_NAME + ".)\n\n" + body;
        }
        message.body(body);
        if (parts.html != null) {
            message.attachment(new Attachment(HTML_NAME, "text/html; charset=UTF-8", parts.html.getBytes(StandardCharsets.UTF_8)));
        }
        parts.files.forEach(message::attachment);
        if (unreadable != null) {
            message.attachment(new Attachment(ORIGINAL_NAME, "message/rfc822", raw));
        }
        message.attachment(new Attachment(TRACE_NAME, "text/plain; charset=UTF-8",
                trace(envelope, spf, dkim, mime).getBytes(StandardCharsets.UTF_8)));
        return message.build();
    }

    private static Message parse(byte[] raw, MimeConfig config, DecodeMonitor monitor) throws IOException, MimeException {
        DefaultMessageBuilder builder = new DefaultMessageBuilder();
        builder.setMimeEntityConfig(config);
        builder.setDecodeMonitor(monitor);
        return builder.parseMessage(new ByteArrayInputStream(raw));
    }

    /** The From header's address if it is a usable one, else the envelope sender's, else {@link #UNKNOWN_SENDER}. */
    private static Address sender(Message mime, Envelope envelope) {
        MailboxList from = mime == null ? null : mime.getFrom();
        if (from != null) {
            for (Mailbox mailbox : from) {
                try {
                    return Address.parse(mailbox.getAddress());
                } catch (IllegalArgumentException e) {
                    // not an address WSEmail can hold: fall back to the envelope
                }
            }
        }
        try {
            return Address.parse(envelope.mailFrom());
        } catch (IllegalArgumentException e) {
            return UNKNOWN_SENDER;
        }
    }

    private static String trace(Envelope envelope, String spf, String dkim, Message mime) {
        StringBuilder trace = new StringBuilder();
        trace.append("Received over SMTP by this domain's gateway; the sender's domain signed nothing.\n");
        trace.append("Client: ").append(envelope.client()).append(" (HELO ").append(envelope.helo()).append(")\n");
        trace.append("Envelope sender: <").append(envelope.mailFrom()).append(">\n");
        trace.append("Envelope recipients: ").append(envelope.recipients()).append('\n');
        trace.append("Encrypted (STARTTLS): ").append(envelope.tls() ? "yes" : "no").append('\n');
        trace.append("Received: ").append(DateTimeFormatter.ISO_INSTANT.format(envelope.received())).append('\n');
        trace.append("SPF: ").append(spf).append('\n');
        trace.append("DKIM: ").append(dkim).append('\n');
        if (mime != null) {
            trace.append("\nOriginal headers:\n");
            for (Field field : mime.getHeader().getFields()) {
                trace.append(field.getRaw() == null ? field.getName() + ": " + field.getBody() : field.getRaw().toString())
                        .append('\n');
            }
        }
        return trace.toString();
    }

    /** The first plain text and HTML found (an alternative's first of each), and every other part as a file. */
    private static final class Parts {
        String text;
        String html;
        final List<Attachment> files = new ArrayList<>();

        void collect(Body body) throws IOException {
            Entity entity = body.getParent();
            if (body instanceof Multipart multipart) {
                for (Entity part : multipart.getBodyParts()) {
                    collect(part.getBody());
                }
                return;
            }
            String type = entity.getMimeType().toLowerCase(Locale.ROOT);
            boolean attachment = entity.getFilename() != null || "attachment".equalsIgnoreCase(entity.getDispositionType());
            if (body instanceof TextBody textBody && !attachment && type.equals("text/plain") && text == null) {
                text = read(textBody);
            } else if (body instanceof TextBody textBody && !attachment && type.equals("text/html") && html == null) {
                html = read(textBody);
            } else if (body instanceof Message nested) {
                files.add(new Attachment(name(entity, files.size(), ".eml"), "message/rfc822", write(nested)));
            } else if (body instanceof SingleBody single) {
                files.add(new Attachment(name(entity, files.size(), ""), contentType(entity), bytes(single)));
            }
        }

        private static String read(TextBody body) throws IOException {
            StringWriter text = new StringWriter();
            try (Reader reader = body.getReader()) {
                reader.transferTo(text);
            }
            return text.toString();
        }

        private static byte[] bytes(SingleBody body) throws IOException {
            try (InputStream in = body.getInputStream()) {
                return in.readAllBytes();
            }
        }

        private static byte[] write(Message message) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            new DefaultMessageWriter().writeMessage(message, out);
            return out.toByteArray();
        }

        private static String name(Entity entity, int index, String extension) {
            String name = entity.getFilename();
            if (name == null || name.isBlank()) {
                return "part-" + (index + 1) + extension;
            }
            return name.replaceAll("[\\\\/\\p{Cntrl}]", "_");
        }

        private static String contentType(Entity entity) {
            String charset = entity.getCharset();
            return entity.getMimeType().startsWith("text/") && charset != null
                    ? entity.getMimeType() + "; charset=" + charset : entity.getMimeType();
        }
    }
}
