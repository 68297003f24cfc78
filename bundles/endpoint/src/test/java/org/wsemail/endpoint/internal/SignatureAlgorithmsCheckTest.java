package org.wsemail.endpoint.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import java.util.List;

import org.apache.wss4j.dom.WSConstants;
import org.apache.wss4j.dom.WSDataRef;
import org.apache.wss4j.dom.engine.WSSecurityEngineResult;
import org.junit.Test;

/** Only the one suite passes: RSA-SHA256 over exclusive C14N with SHA-256 digests and no other transform. */
public class SignatureAlgorithmsCheckTest {
    private static WSSecurityEngineResult signature(String method, String c14n, String digest, List<String> transforms) {
        WSSecurityEngineResult result = new WSSecurityEngineResult(WSConstants.SIGN);
        result.put(WSSecurityEngineResult.TAG_SIGNATURE_METHOD, method);
        result.put(WSSecurityEngineResult.TAG_CANONICALIZATION_METHOD, c14n);
        WSDataRef reference = new WSDataRef();
        reference.setDigestAlgorithm(digest);
        reference.setTransformAlgorithms(transforms);
        result.put(WSSecurityEngineResult.TAG_DATA_REF_URIS, List.of(reference));
        return result;
    }

    @Test
    public void theOneSuitePassesAndEveryOtherChoiceIsRefused() {
        List<String> c14nOnly = List.of(WSConstants.C14N_EXCL_OMIT_COMMENTS);
        assertNull(SignatureAlgorithmsCheck.refusal(signature(WSConstants.RSA_SHA256, WSConstants.C14N_EXCL_OMIT_COMMENTS,
                WSConstants.SHA256, c14nOnly)));
        assertEquals("signature method http://www.w3.org/2000/09/xmldsig#rsa-sha1 is not RSA-SHA256",
                SignatureAlgorithmsCheck.refusal(signature(WSConstants.RSA_SHA1, WSConstants.C14N_EXCL_OMIT_COMMENTS,
                        WSConstants.SHA256, c14nOnly)));
        assertEquals("canonicalization http://www.w3.org/TR/2001/REC-xml-c14n-20010315 is not exclusive C14N",
                SignatureAlgorithmsCheck.refusal(signature(WSConstants.RSA_SHA256, WSConstants.C14N_OMIT_COMMENTS,
                        WSConstants.SHA256, c14nOnly)));
        assertEquals("digest http://www.w3.org/2000/09/xmldsig#sha1 is not SHA-256",
                SignatureAlgorithmsCheck.refusal(signature(WSConstants.RSA_SHA256, WSConstants.C14N_EXCL_OMIT_COMMENTS,
                        WSConstants.SHA1, c14nOnly)));
        assertEquals("transforms [http://www.w3.org/TR/1999/REC-xpath-19991116] are not exclusive C14N alone",
                SignatureAlgorithmsCheck.refusal(signature(WSConstants.RSA_SHA256, WSConstants.C14N_EXCL_OMIT_COMMENTS,
                        WSConstants.SHA256, List.of("http://www.w3.org/TR/1999/REC-xpath-19991116"))));
    }
}
