package org.wsemail.endpoint.internal;

import java.util.Base64;
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
 * A signed request (its signature covers body and timestamp) presented a second time within its
 * lifetime is a replay: refused. Runs once WS-Security verified the signatures and the coverage
 * check passed, so only requests whose sender proved itself are remembered.
 */
final class SignatureReplayCheck extends AbstractPhaseInterceptor<SoapMessage> {
    private static final Logger LOG = LoggerFactory.getLogger(SignatureReplayCheck.class);

    private final ReplayGuard replays;

    SignatureReplayCheck(ReplayGuard replays) {
        super(Phase.PRE_PROTOCOL);
        addAfter(PolicyBasedWSS4JInInterceptor.class.getName());
        addAfter(DefaultCryptoCoverageChecker.class.getName());
        this.replays = replays;
    }

    @Override
    public void handleMessage(SoapMessage message) {
        Object results = message.get(WSHandlerConstants.RECV_RESULTS);
        if (!(results instanceof List<?> handlerResults)) {
            return;
        }
        for (Object handlerResult : handlerResults) {
            for (WSSecurityEngineResult result : ((WSHandlerResult) handlerResult).getResults()) {
                if (Integer.valueOf(WSConstants.SIGN).equals(result.get(WSSecurityEngineResult.TAG_ACTION))
                        && result.get(WSSecurityEngineResult.TAG_SIGNATURE_VALUE) instanceof byte[] value) {
                    check(Base64.getEncoder().encodeToString(value), message);
                }
            }
        }
    }

    private void check(String signature, SoapMessage message) {
        switch (replays.firstSight("signature", signature)) {
            case REPLAY -> throw refused("its signature was seen before: a replay", message);
            case FULL -> throw refused("too many recent requests to remember for replay checks", message);
            case UNCHECKED -> {
                LOG.warn("Refused a signed request from {}: it could not be checked for a replay at the other nodes",
                        ClientAddress.of(message));
                throw StorageTrouble.checkFailed("check the request for a replay", null);
            }
            case NEW -> {
            }
        }
    }

    private static SoapFault refused(String reason, SoapMessage message) {
        LOG.warn("Refused a signed request from {}: {}", ClientAddress.of(message), reason);
        return SecurityFaults.refused();
    }
}
