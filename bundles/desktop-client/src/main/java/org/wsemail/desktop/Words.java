package org.wsemail.desktop;

import org.wsemail.client.WsemailException;

/** What went wrong, said so a user understands it, with what the server said for the curious. */
final class Words {
    private Words() {
    }

    static String of(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.ExecutionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (!(cause instanceof WsemailException e)) {
            return "Something went wrong: " + cause;
        }
        return switch (e.code()) {
            case WsemailException.CONNECTION_FAILED -> "The server cannot be reached. Check its address and your network.\n("
                    + e.getMessage() + ")";
            case WsemailException.NOT_AUTHENTICATED -> "The server did not accept your login: wrong user name or password,"
                    + " or a certificate it does not trust.";
            case WsemailException.BAD_CREDENTIALS -> "Your certificate file cannot be used: " + e.getMessage();
            case "BadSettings" -> "Please check your settings: " + e.getMessage() + ".";
            default -> "The server refused: " + e.getMessage();
        };
    }
}
