package org.wsemail.api.plugin;

import java.util.Optional;

import org.wsemail.api.ProcessingEnvironment;

/**
 * Who is calling, for the code of a plug-in's own SOAP endpoint ({@link SoapEndpoint}): while the
 * server invokes an exported service published with one of the login intents, {@link #current()}
 * is the caller it authenticated, on the invoking thread. Outside such a call it is empty.
 *
 * <p>The server sets it; plug-ins only read it.
 */
public final class SoapCaller {
    private static final ThreadLocal<ProcessingEnvironment> CURRENT = new ThreadLocal<>();

    private SoapCaller() {
    }

    /** The authenticated caller of the SOAP call this thread is serving, if any. */
    public static Optional<ProcessingEnvironment> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    /**
     * Runs {@code call} with {@code caller} as the current caller; for the server's login intents.
     *
     * @throws Exception what the call throws
     */
    public static <T> T serve(ProcessingEnvironment caller, java.util.concurrent.Callable<T> call) throws Exception {
        ProcessingEnvironment previous = CURRENT.get();
        CURRENT.set(caller);
        try {
            return call.call();
        } finally {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }
}
