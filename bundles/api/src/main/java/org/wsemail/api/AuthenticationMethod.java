package org.wsemail.api;

/** How the party behind a request proved who it is. */
public enum AuthenticationMethod {
    /** A WS-Security UsernameToken checked against the server's user store. */
    USERNAME_TOKEN,
    /** A WS-Security signature with the caller's X.509 certificate. */
    X509_CERTIFICATE,
    /** A federated identity token issued by the caller's home server. */
    FEDERATED_TOKEN,
    /** A peer mail server, authenticated by its X.509 server certificate. */
    SERVER_CERTIFICATE,
    /** The server itself (bounces, auto-replies, messages a plug-in creates). */
    INTERNAL
}
