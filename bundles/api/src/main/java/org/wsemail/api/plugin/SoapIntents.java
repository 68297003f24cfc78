package org.wsemail.api.plugin;

/**
 * The intents this server's SOAP endpoints are published with: each names a part of the server's
 * security that the distribution provider applies to an exported service. An export names them in
 * {@code service.exported.intents}.
 */
public final class SoapIntents {
    /** Callers log in with a WS-Security UsernameToken (password, nonce, creation time) and a Timestamp; replays are refused. */
    public static final String PASSWORD_LOGIN = "wsemail.login.password";

    /** Callers sign body and Timestamp with a certificate their domain's authority issued them. */
    public static final String CERTIFICATE_LOGIN = "wsemail.login.certificate";

    /** Callers from other domains present a federated identity token from their home server and prove they hold its key. */
    public static final String FEDERATED_LOGIN = "wsemail.login.federated";

    /** Other mail servers hand over mail: encrypted deliveries are decrypted, the traffic counted; the message's own server signature is the proof. */
    public static final String PEER = "wsemail.peer";

    /** Every answer, faults included, is signed by this server. */
    public static final String SIGNED_ANSWERS = "wsemail.signed-answers";

    /** Requests over the size, nesting, fan-out or element limits, or with a document type declaration, are refused before they are read. */
    public static final String XML_LIMITS = "wsemail.xml-limits";

    /**
     * Binary contents travel as MTOM/XOP parts, streamed: parts beyond a small size are kept on disk
     * while a request is read, not in memory, and no part may be larger than the server's attachment
     * limit; with {@link #XML_LIMITS}, the XML itself stays within those limits.
     */
    public static final String STREAMED_ATTACHMENTS = "wsemail.streamed-attachments";

    /**
     * A message read (the answer to {@code retrieve}) goes gzip-compressed to a caller that accepts
     * it. No other answer is compressed: a list mixes several senders' subjects in one answer, and
     * the size of a compressed answer that mixes an attacker's text with someone else's tells the
     * attacker, watching the encrypted traffic, how much of the two matched.
     */
    public static final String COMPRESSED_READS = "wsemail.compressed-reads";

    private SoapIntents() {
    }
}
