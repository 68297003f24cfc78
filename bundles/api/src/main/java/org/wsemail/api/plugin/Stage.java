package org.wsemail.api.plugin;

import java.util.Locale;

/** The server's execution queues, each a chain of plug-ins. */
public enum Stage {
    /** At initial receipt of a message from an authenticated sender, before it is queued. */
    SENDING(SendingProcessor.class),
    /** At the final destination, once per local recipient, before the mailbox. */
    DELIVERY(DeliveryProcessor.class),
    /** RPC-like requests routed to a plug-in by extension identifier. */
    EXTENSION(ExtensionProcessor.class);

    private final Class<?> processorType;

    Stage(Class<?> processorType) {
        this.processorType = processorType;
    }

    /** The processor interface a plug-in implements to take part in this stage. */
    public Class<?> processorType() {
        return processorType;
    }

    /** The lower-case name used in commands and configuration, e.g. {@code sending}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The stage with this label, ignoring case.
     *
     * @throws IllegalArgumentException naming the known stages if there is none
     */
    public static Stage fromLabel(String label) {
        for (Stage stage : values()) {
            if (stage.label().equalsIgnoreCase(label.trim())) {
                return stage;
            }
        }
        throw new IllegalArgumentException("unknown stage '" + label + "'; stages are sending, delivery, extension");
    }
}
