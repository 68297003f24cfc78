package org.wsemail.endpoint.internal;

import org.apache.cxf.binding.soap.SoapFault;
import org.apache.wss4j.common.ext.WSSecurityException;

/**
 * The one fault every failed security check answers with, as WSS4J's own checks do: "A security
 * error was encountered when verifying the message", whatever failed, so that a caller learns
 * nothing from it; why goes to the server's log.
 */
final class SecurityFaults {
    private SecurityFaults() {
    }

    static SoapFault refused() {
        WSSecurityException cause = new WSSecurityException(WSSecurityException.ErrorCode.FAILED_AUTHENTICATION);
        return new SoapFault(cause.getSafeExceptionMessage(), cause, cause.getSafeFaultCode());
    }
}
