package org.wsemail.testing;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.wsemail.api.MailMessage;
import org.wsemail.api.server.MessageSigner;
import org.wsemail.api.server.SignedMail;

/**
 * A signer without cryptography: {@code sign} gives {@code <signed id="<message id>"/>} and
 * remembers the message, so that {@link #read} gives it back (a stand-in for the codec, where a
 * component under test reads signed XML). Verification is not offered.
 */
public final class RecordingSigner implements MessageSigner {
    private final Map<String, MailMessage> signed = new ConcurrentHashMap<>();
    private final List<MailMessage> signedInOrder = new CopyOnWriteArrayList<>();

    @Override
    public SignedMail sign(MailMessage message) {
        String xml = xml(message);
        signed.put(xml, message);
        signedInOrder.add(message);
        return new SignedMail(message, xml);
    }

    /** The text {@link #sign} gives for a message. */
    public static String xml(MailMessage message) {
        return "<signed id=\"" + message.messageId() + "\"/>";
    }

    /** The messages signed so far, oldest first. */
    public List<MailMessage> signedMessages() {
        return List.copyOf(signedInOrder);
    }

    /** The message that {@link #sign} gave this text for. */
    public MailMessage read(String signedXml) {
        MailMessage message = signed.get(signedXml);
        if (message == null) {
            throw new IllegalArgumentException("not signed here: " + signedXml);
        }
        return message;
    }

    @Override
    public VerifiedMessage verify(String signedXml) {
        throw new UnsupportedOperationException("a recording signer does not verify");
    }
}
