package org.wsemail.endpoint.internal;

import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.List;

import org.apache.cxf.binding.soap.SoapFault;
import org.apache.cxf.binding.soap.SoapMessage;
import org.apache.cxf.phase.AbstractPhaseInterceptor;
import org.apache.cxf.phase.Phase;
import org.apache.cxf.ws.security.wss4j.DefaultCryptoCoverageChecker;
import org.apache.cxf.ws.security.wss4j.PolicyBasedWSS4JInInterceptor;
import org.apache.wss4j.dom.WSConstants;
import org.apache.wss4j.dom.engine.WSSecurityEngineResult;
import org.apache.wss4j.dom.handler.WSHandlerConstants;
import org.apache.wss4j.dom.handler.WSHandlerResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proof of possession for a holder-of-key token: every signature on the request must have been made
 * with the key of the certificate the token is bound to. Without this a stolen token could be
 * replayed under a signature of the thief's own key. Runs after WS-Security and the coverage
 * check (body and timestamp signed).
 */
final class HolderOfKeyCheck extends AbstractPhaseInterceptor<SoapMessage> {
    private static final Logger LOG = LoggerFactory.getLogger(HolderOfKeyCheck.class);

    HolderOfKeyCheck() {
        super(Phase.PRE_PROTOCOL);
        addAfter(PolicyBasedWSS4JInInterceptor.class.getName());
        addAfter(DefaultCryptoCoverageChecker.class.getName());
    }

    @Override
    public void handleMessage(SoapMessage message) {
        if (!(message.get(FederatedTokenValidator.HOLDER_CERTIFICATE) instanceof X509Certificate holder)) {
            throw refused("the request carries no accepted token");
        }
        PublicKey expected = holder.getPublicKey();
        int signatures = 0;
        Object results = message.get(WSHandlerConstants.RECV_RESULTS);
        if (results instanceof List<?> handlerResults) {
            for (Object handlerResult : handlerResults) {
                for (WSSecurityEngineResult result : ((WSHandlerResult) handlerResult).getResults()) {
                    if (!Integer.valueOf(WSConstants.SIGN).equals(result.get(WSSecurityEngineResult.TAG_ACTION))) {
                        continue;
                    }
                    signatures++;
                    if (!expected.equals(signingKey(result))) {
                        throw refused("a signature was not made with the key the token is bound to");
                    }
                }
            }
        }
        if (signatures == 0) {
            throw refused("the request is not signed with the key the token is bound to");
        }
    }

    private static PublicKey signingKey(WSSecurityEngineResult result) {
        if (result.get(WSSecurityEngineResult.TAG_PUBLIC_KEY) instanceof PublicKey key) {
            return key;
        }
        if (result.get(WSSecurityEngineResult.TAG_X509_CERTIFICATES) instanceof X509Certificate[] chain && chain.length > 0) {
            return chain[0].getPublicKey();
        }
        return null;
    }

    private static SoapFault refused(String reason) {
        LOG.warn("Refused a visitor's request: {}", reason);
        return SecurityFaults.refused();
    }
}
