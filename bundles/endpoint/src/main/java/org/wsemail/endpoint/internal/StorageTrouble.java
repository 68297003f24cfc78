package org.wsemail.endpoint.internal;

import org.apache.cxf.binding.soap.SoapFault;
import org.apache.cxf.interceptor.Fault;

import java.sql.SQLException;

/**
 * What a failure says about the server's storage, in words for the client: out of space (a full
 * disk under Derby, PostgreSQL's disk_full), or the database out of reach (shut down, restarting,
 * unreachable). Either way the request changed nothing and may be tried again later.
 */
final class StorageTrouble {
    /** PostgreSQL's SQLState for a full disk. */
    private static final String DISK_FULL = "53100";

    private StorageTrouble() {
    }

    /**
     * The fault for a request that could not be checked because the storage failed: a server fault
     * that says so, not the security fault a wrong password gets, which would send users to change a
     * good password. The caller logs the failure.
     *
     * @param check what could not be done, e.g. "check the password"
     * @param failure the storage's failure, or null when it was logged where it happened
     */
    static SoapFault checkFailed(String check, Throwable failure) {
        String trouble = failure == null ? null : of(failure);
        return new SoapFault("the server cannot " + check + " now: " + (trouble == null ? "its database is unavailable" : trouble)
                + "; nothing was changed, try again later", Fault.FAULT_CODE_SERVER);
    }

    /** The trouble in words, or null if the failure does not come from the storage. */
    static String of(Throwable failure) {
        boolean database = false;
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (String.valueOf(cause.getMessage()).contains("No space left on device")
                    || cause instanceof SQLException sql && DISK_FULL.equals(sql.getSQLState())) {
                return "it is out of storage space";
            }
            database |= cause instanceof SQLException;
        }
        return database ? "its database is unavailable" : null;
    }
}
