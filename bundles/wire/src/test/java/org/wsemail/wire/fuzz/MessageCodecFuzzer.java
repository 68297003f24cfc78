package org.wsemail.wire.fuzz;

import java.nio.charset.StandardCharsets;

import org.wsemail.wire.MessageCodec;

/**
 * Fuzz target (Jazzer): any bytes, read as a relayed message's XML, either become a message or are
 * refused with {@link IllegalArgumentException}, the codec's one way of saying "malformed". Any other
 * exception, a hang or running out of memory is a finding.
 */
public final class MessageCodecFuzzer {
    private static final MessageCodec CODEC = new MessageCodec();

    private MessageCodecFuzzer() {
    }

    public static void fuzzerTestOneInput(byte[] input) {
        try {
            CODEC.read(new String(input, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException refused) {
            // malformed input, refused as it should be
        }
    }
}
