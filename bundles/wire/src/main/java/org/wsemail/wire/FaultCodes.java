package org.wsemail.wire;

import org.wsemail.wire.soap.Fault;
import org.wsemail.wire.soap.MailFault;

/** The stable codes of WSEmail faults, and a way to build one. */
public final class FaultCodes {
    public static final String UNKNOWN_RECIPIENT = "UnknownRecipient";
    public static final String MESSAGE_TOO_LARGE = "MessageTooLarge";
    public static final String NOT_AUTHORIZED = "NotAuthorized";
    public static final String BAD_REQUEST = "BadRequest";
    public static final String REJECTED = "Rejected";
    /** Beyond what the sender may send: recipients of one message, or recipients or volume within an hour. */
    public static final String LIMIT_EXCEEDED = "LimitExceeded";
    public static final String NO_SUCH_MESSAGE = "NoSuchMessage";
    public static final String SIGNATURE_INVALID = "SignatureInvalid";
    public static final String SERVER_ERROR = "ServerError";

    private FaultCodes() {
    }

    /** A fault with a code and a message that both reach the caller. */
    public static MailFault fault(String code, String message) {
        Fault detail = new Fault();
        detail.setCode(code);
        detail.setMessage(message);
        return new MailFault(code + ": " + message, detail);
    }
}
