package org.wsemail.api;

/**
 * Flags a sender sets on a message. The bit values are those of the WSEmail wire format, so a flag
 * set survives a round trip through {@link #toBits} and {@link #fromBits}.
 */
public enum MessageFlag {
    /** Deliver as an instant message: push to the recipient's client if it is online. */
    INSTANT_MESSAGE(1),
    /** Drop the message instead of storing it when it cannot be delivered at once (an IM that may go stale). */
    DELETE_IF_UNDELIVERABLE(2),
    /** Bulk mail: never auto-replied to. */
    BULK(4),
    /** An invitation to a direct, TLS-secured conversation channel. */
    DIRECT_CONNECT_INVITATION(8),
    /** The message carries a form. */
    FORM(16),
    /** The message carries a form whose client plug-in may need to be downloaded. */
    DYNAMIC_FORM(32),
    /** The body is encrypted to the receiving server's certificate. */
    ENCRYPTED_DELIVERY(64),
    /** Sent by the client straight to the recipient's server with a federated token. */
    DIRECT_DELIVERY(128),
    /**
     * Internet mail: taken in over SMTP by this domain's gateway, which signed it as itself. Its
     * sender's domain signed nothing, so a client shows it as legacy mail, never as verified from
     * the sender.
     */
    LEGACY_MAIL(256);

    private final int bit;

    MessageFlag(int bit) {
        this.bit = bit;
    }

    public int bit() {
        return bit;
    }

    public static int toBits(Iterable<MessageFlag> flags) {
        int bits = 0;
        for (MessageFlag flag : flags) {
            bits |= flag.bit;
        }
        return bits;
    }

    /** The flags whose bits are set; unknown bits are ignored. */
    public static java.util.EnumSet<MessageFlag> fromBits(int bits) {
        java.util.EnumSet<MessageFlag> set = java.util.EnumSet.noneOf(MessageFlag.class);
        for (MessageFlag flag : values()) {
            if ((bits & flag.bit) != 0) {
                set.add(flag);
            }
        }
        return set;
    }
}
