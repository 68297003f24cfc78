package org.wsemail.api.plugin;

import java.util.Objects;

/**
 * A fault an {@link ExtensionProcessor} (or the server, routing to one) answers with. The code is
 * stable and machine-readable, the message is for people; both reach the caller, so neither may
 * hold secrets.
 */
public class ExtensionException extends Exception {
    private static final long serialVersionUID = 1L;

    /** No processor serves the requested extension identifier. */
    public static final String UNKNOWN_EXTENSION = "UnknownExtension";
    /** The processor failed; details are in the server log only. */
    public static final String EXTENSION_FAILED = "ExtensionFailed";
    /** The caller may not use this extension. */
    public static final String NOT_AUTHORIZED = "NotAuthorized";
    /** The request did not have the form the extension expects. */
    public static final String BAD_REQUEST = "BadRequest";

    private final String code;

    public ExtensionException(String code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    public String code() {
        return code;
    }
}
