package org.wsemail.client;

/** A request failed; {@link #code()} says how (a server fault code, or a client-side one). */
public class WsemailException extends Exception {
    private static final long serialVersionUID = 1L;

    /** The server could not be reached or did not answer. */
    public static final String CONNECTION_FAILED = "ConnectionFailed";
    /** The server refused the user name or password. */
    public static final String NOT_AUTHENTICATED = "NotAuthenticated";
    /** The client's own credentials cannot be used (an unreadable certificate file, say). */
    public static final String BAD_CREDENTIALS = "BadCredentials";

    private final String code;

    public WsemailException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
