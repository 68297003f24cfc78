package org.wsemail.wire.fuzz;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.TrustAnchor;
import java.util.Set;

import org.w3c.dom.Element;
import org.wsemail.api.MailMessage;
import org.wsemail.wire.MessageCodec;
import org.wsemail.wire.security.MessageSignatures;

/**
 * Fuzz target (Jazzer): any bytes, read as a signed message, are refused (as malformed XML, or with
 * {@link MessageSignatures.InvalidSignatureException}) unless their signature verifies against the
 * run's root, and then they must say exactly what one of the signed seeds said: the fuzzer has no
 * key, so a verified message with any other content is a forgery, a finding. So is any other
 * exception.
 */
public final class MessageSignatureFuzzer {
    private static final MessageCodec CODEC = new MessageCodec();
    private static final MessageSignatures SIGNATURES = new MessageSignatures();
    private static Set<TrustAnchor> anchors;

    private MessageSignatureFuzzer() {
    }

    public static void fuzzerInitialize() throws Exception {
        anchors = Set.of(new TrustAnchor(FuzzSeeds.root(), null));
    }

    public static void fuzzerTestOneInput(byte[] input) throws IOException {
        Element element;
        try {
            element = CODEC.parse(new String(input, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException malformed) {
            return;
        }
        try {
            SIGNATURES.verify(element, anchors);
        } catch (MessageSignatures.InvalidSignatureException refused) {
            return;
        }
        MailMessage verified = CODEC.fromElement(element);
        if (!FuzzSeeds.saysWhatASeedSaid(verified)) {
            throw new IllegalStateException("a signature verified over content nobody signed: " + verified);
        }
    }
}
