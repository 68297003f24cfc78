package org.wsemail.wire;

/** Describes why a SOAP call failed to arrive, for people: the innermost cause, which names the real trouble. */
public final class TransportErrors {

    private TransportErrors() {
    }

    /** The innermost cause's message, or its kind when it has none (e.g. {@code ConnectException}). */
    public static String describe(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        if (message.contains("unable to find valid certification path")) {
            return "the server's TLS certificate does not lead to a trusted root (" + message + ")";
        }
        return message;
    }
}
