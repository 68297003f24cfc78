package org.wsemail.endpoint.internal;

import java.util.List;
import java.util.Set;

import org.apache.cxf.binding.soap.SoapMessage;
import org.apache.cxf.phase.AbstractPhaseInterceptor;
import org.apache.cxf.phase.Phase;
import org.apache.cxf.ws.security.wss4j.PolicyBasedWSS4JInInterceptor;
import org.apache.wss4j.dom.WSConstants;
import org.apache.wss4j.dom.WSDataRef;
import org.apache.wss4j.dom.engine.WSSecurityEngineResult;
import org.apache.wss4j.dom.handler.WSHandlerConstants;
import org.apache.wss4j.dom.handler.WSHandlerResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one signature suite a signed request may use, checked on what WSS4J verified: RSA-SHA256,
 * SHA-256 digests, exclusive canonicalization, and no transform but exclusive canonicalization.
 * WSS4J itself restricts only the signature and digest methods it is told; this closes the rest.
 */
final class SignatureAlgorithmsCheck extends AbstractPhaseInterceptor<SoapMessage> {
    private static final Logger LOG = LoggerFactory.getLogger(SignatureAlgorithmsCheck.class);
    private static final Set<String> TRANSFORMS = Set.of(WSConstants.C14N_EXCL_OMIT_COMMENTS);

    SignatureAlgorithmsCheck() {
        super(Phase.PRE_PROTOCOL);
        addAfter(PolicyBasedWSS4JInInterceptor.class.getName());
    }

    @Override
    public void handleMessage(SoapMessage message) {
        if (!(message.get(WSHandlerConstants.RECV_RESULTS) instanceof List<?> handlerResults)) {
            return;
        }
        for (Object handlerResult : handlerResults) {
            for (WSSecurityEngineResult result : ((WSHandlerResult) handlerResult).getResults()) {
                if (Integer.valueOf(WSConstants.SIGN).equals(result.get(WSSecurityEngineResult.TAG_ACTION))) {
                    String refusal = refusal(result);
                    if (refusal != null) {
                        LOG.warn("Refused a signed request from {}: {}", ClientAddress.of(message), LogSafe.text(refusal));
                        throw SecurityFaults.refused();
                    }
                }
            }
        }
    }

    /** Why this verified signature uses what is not allowed, or null. */
    static String refusal(WSSecurityEngineResult signature) {
        Object method = signature.get(WSSecurityEngineResult.TAG_SIGNATURE_METHOD);
        if (!WSConstants.RSA_SHA256.equals(method)) {
            return "signature method " + method + " is not RSA-SHA256";
        }
        Object c14n = signature.get(WSSecurityEngineResult.TAG_CANONICALIZATION_METHOD);
        if (!WSConstants.C14N_EXCL_OMIT_COMMENTS.equals(c14n)) {
            return "canonicalization " + c14n + " is not exclusive C14N";
        }
        if (signature.get(WSSecurityEngineResult.TAG_DATA_REF_URIS) instanceof List<?> references) {
            for (Object item : references) {
                WSDataRef reference = (WSDataRef) item;
                if (!WSConstants.SHA256.equals(reference.getDigestAlgorithm())) {
                    return "digest " + reference.getDigestAlgorithm() + " is not SHA-256";
                }
                List<String> transforms = reference.getTransformAlgorithms();
                if (transforms != null && !TRANSFORMS.containsAll(transforms)) {
                    return "transforms " + transforms + " are not exclusive C14N alone";
                }
            }
        }
        return null;
    }
}
