package org.wsemail.api.runtime;

/**
 * The CPU time one operation of one SOAP endpoint has taken on the threads that served its requests,
 * summed since the endpoints' provider started: for every request answered, in three stages, and for every
 * request that got a fault, in all. Measured with the JVM's per-thread CPU clock from the moment the
 * web service stack takes the request to the moment its answer is written, so the HTTP server's own
 * work before that (the TLS handshake, the request line and headers) and work the request hands to
 * other threads (the mail queue's deliveries) are not in it. An immutable snapshot.
 *
 * @param address the endpoint's path, e.g. {@code /wsemail/client}
 * @param operation the operation's name in the contract, e.g. {@code send}, or {@code (unknown)} for
 *        a request refused before its operation was known
 * @param answered requests answered (not faults)
 * @param readNanos of those, reading the request and checking its security (parsing, WS-Security,
 *        the login), up to the start of unmarshalling its body
 * @param serviceNanos unmarshalling the body and the service itself (plug-ins, mailbox, queue)
 * @param answerNanos writing the answer: marshalling, signing it, writing it out (TLS included)
 * @param faults requests that got a fault, wherever it arose
 * @param faultNanos their CPU time, from start to the fault written
 */
public record RequestCpuDTO(String address, String operation, long answered, long readNanos, long serviceNanos,
        long answerNanos, long faults, long faultNanos) {

    /** All the CPU time of the answered requests. */
    public long answeredNanos() {
        return readNanos + serviceNanos + answerNanos;
    }
}
