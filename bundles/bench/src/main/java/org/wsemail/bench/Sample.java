package org.wsemail.bench;

import java.time.Instant;

import org.wsemail.bench.BenchSettings.Operation;

/**
 * One request, with the bytes of its SOAP request and response; {@code error} says why it failed
 * (null if it did not); {@code startMicros} since the epoch. A worker process prints each as a
 * line for the coordinator ({@link #line()}, {@link #parse}).
 */
record Sample(Operation operation, Kind kind, long nanos, long requestBytes, long responseBytes, String error,
        long startMicros) {

    /** What a sample stands for. */
    enum Kind {
        /** One of the R requests of a client (timed unless it failed before it was sent). */
        MEASURED,
        /** One of the R requests: a read or delete in an empty inbox, not sent and not counted, as in the paper. */
        NO_OP,
        /** A list request made to learn new ids when all a client knew were deleted; not one of the R. */
        LEARNING,
        /** A failure while logging in, priming or warming up; not one of the R, but an error. */
        SETUP
    }

    /** A measured request that succeeded. */
    Sample(Operation operation, long nanos, long requestBytes, long responseBytes) {
        this(operation, Kind.MEASURED, nanos, requestBytes, responseBytes, null, 0);
    }

    /** Not timed: a no-op, a learning list, or a failure outside the measured requests. */
    static Sample untimed(Operation operation, Kind kind, String error) {
        return new Sample(operation, kind, 0, 0, 0, error, 0);
    }

    boolean ok() {
        return error == null;
    }

    /** One of the R requests each client makes (what the progress bar counts). */
    boolean counted() {
        return kind == Kind.MEASURED || kind == Kind.NO_OP;
    }

    boolean timed() {
        return kind == Kind.MEASURED && nanos > 0;
    }

    /** When it ended, in microseconds since the epoch (comparable between processes). */
    long endMicros() {
        return startMicros + nanos / 1000;
    }

    /** The line a worker process prints for the coordinator. */
    String line() {
        return "sample " + operation + " " + kind + " " + nanos + " " + requestBytes + " " + responseBytes + " " + startMicros
                + (error == null ? "" : " " + error.replaceAll("\\s+", " "));
    }

    static Sample parse(String line) {
        String[] f = line.split(" ", 8);
        return new Sample(Operation.valueOf(f[1]), Kind.valueOf(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]),
                Long.parseLong(f[5]), f.length > 7 ? f[7] : null, Long.parseLong(f[6]));
    }

    /** Now, in microseconds since the epoch (comparable between processes). */
    static long epochMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
    }
}
