package org.wsemail.wire.security;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

import org.apache.cxf.binding.soap.SoapMessage;
import org.apache.cxf.bus.managers.PhaseManagerImpl;
import org.apache.cxf.interceptor.Fault;
import org.apache.cxf.message.Message;
import org.apache.cxf.message.MessageImpl;
import org.apache.cxf.phase.AbstractPhaseInterceptor;
import org.apache.cxf.phase.Phase;
import org.apache.cxf.phase.PhaseInterceptorChain;
import org.apache.wss4j.common.ConfigurationConstants;
import org.apache.wss4j.common.ext.WSSecurityException;
import org.apache.wss4j.common.principal.UsernameTokenPrincipal;
import org.apache.wss4j.dom.WSConstants;
import org.apache.wss4j.dom.engine.WSSecurityEngine;
import org.apache.wss4j.dom.engine.WSSecurityEngineResult;
import org.apache.wss4j.dom.handler.RequestData;
import org.apache.wss4j.dom.handler.WSHandlerResult;
import org.junit.Test;
import org.w3c.dom.Document;
import org.wsemail.wire.WireCounter;

/**
 * A client's request header written as the request streams ({@link StreamedSecurityHeader#requests}),
 * configured once for all requests, checked by WS-Security's DOM implementation as a WSEmail server
 * checks a password login: the UsernameToken names the user and carries the password, with a nonce
 * and a creation time new for each request, and a Timestamp.
 */
public class StreamedRequestHeaderTest {
    private static final String USER = "alice@local.test";
    private static final char[] PASSWORD = "alice-password-1".toCharArray();
    private static final StreamedSecurityHeader HEADER = StreamedSecurityHeader.usernameToken(options(
            ConfigurationConstants.USERNAME_TOKEN + " " + ConfigurationConstants.TIMESTAMP));

    /** The options a password login's client gives (WsemailClient). */
    private static Map<String, Object> options(String actions) {
        Map<String, Object> security = new HashMap<>();
        security.put(ConfigurationConstants.ACTION, actions);
        security.put(ConfigurationConstants.USER, USER);
        security.put(ConfigurationConstants.PASSWORD_TYPE, WSConstants.PW_TEXT);
        security.put(ConfigurationConstants.ADD_USERNAMETOKEN_NONCE, "true");
        security.put(ConfigurationConstants.ADD_USERNAMETOKEN_CREATED, "true");
        security.put(ConfigurationConstants.PW_CALLBACK_REF, WsCryptos.passwordCallback(PASSWORD));
        return security;
    }

    private static byte[] written(String encoding) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AnswerWriting.write(HEADER.writer(false, out, encoding), 1);
        return out.toByteArray();
    }

    private static Document request() throws Exception {
        return AnswerWriting.parsed(written("UTF-8"));
    }

    /** The server's check: the password the user's account holds is {@code password}. */
    private static List<WSSecurityEngineResult> checked(Document request, char[] password) throws WSSecurityException {
        RequestData data = new RequestData();
        data.setCallbackHandler(WsCryptos.passwordCallback(password));
        WSHandlerResult result = new WSSecurityEngine().processSecurityHeader(request, data);
        return result.getResults();
    }

    private static WSSecurityEngineResult action(List<WSSecurityEngineResult> results, int kind) {
        return results.stream().filter(result -> Integer.valueOf(kind).equals(result.get(WSSecurityEngineResult.TAG_ACTION)))
                .findFirst().orElseThrow(() -> new AssertionError("no result of action " + kind + " in " + results));
    }

    @Test
    public void aRequestCarriesTheUsersTokenAndATimestampThatTheServerAccepts() throws Exception {
        List<WSSecurityEngineResult> results = checked(request(), PASSWORD);
        UsernameTokenPrincipal user = (UsernameTokenPrincipal) action(results, WSConstants.UT)
                .get(WSSecurityEngineResult.TAG_PRINCIPAL);
        assertEquals(USER, user.getName());
        assertEquals(WSConstants.PASSWORD_TEXT, user.getPasswordType());
        assertTrue("the token has a nonce", user.getNonce() != null && user.getNonce().length > 0);
        assertTrue("the token has its creation time", user.getCreatedTime() != null);
        action(results, WSConstants.TS);
    }

    @Test
    public void eachRequestHasANonceOfItsOwn() throws Exception {
        UsernameTokenPrincipal first = (UsernameTokenPrincipal) action(checked(request(), PASSWORD), WSConstants.UT)
                .get(WSSecurityEngineResult.TAG_PRINCIPAL);
        UsernameTokenPrincipal second = (UsernameTokenPrincipal) action(checked(request(), PASSWORD), WSConstants.UT)
                .get(WSSecurityEngineResult.TAG_PRINCIPAL);
        assertNotEquals(java.util.Base64.getEncoder().encodeToString(first.getNonce()),
                java.util.Base64.getEncoder().encodeToString(second.getNonce()));
    }

    @Test
    public void anotherPasswordIsRefused() throws Exception {
        try {
            checked(request(), "another-password".toCharArray());
            fail("a request was accepted with another password than the account's");
        } catch (WSSecurityException expected) {
            assertEquals(WSSecurityException.ErrorCode.FAILED_AUTHENTICATION, expected.getErrorCode());
        }
    }

    @Test
    public void aUtf8RequestStartsWithItsEnvelopeAndAnotherEncodingIsDeclared() throws Exception {
        String utf8 = new String(written("UTF-8"), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(utf8.substring(0, 40), utf8.startsWith("<soap:Envelope"));
        byte[] latin1 = written("ISO-8859-1");
        String declared = new String(latin1, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(declared.substring(0, 60), declared.startsWith("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>")
                || declared.startsWith("<?xml version='1.0' encoding='ISO-8859-1'?>"));
        action(checked(AnswerWriting.parsed(latin1), PASSWORD), WSConstants.UT);
    }

    @Test
    public void everyByteOfARequestIsCountedWithItsHeaderWhicheverInterceptorIsAddedFirst() throws Exception {
        PhaseInterceptorChain chain = new PhaseInterceptorChain(new PhaseManagerImpl().getOutPhases());
        chain.add(StreamedSecurityHeader.requests(options(ConfigurationConstants.USERNAME_TOKEN + " " + ConfigurationConstants.TIMESTAMP)));
        chain.add(new AbstractPhaseInterceptor<Message>(Phase.WRITE) {
            @Override
            public void handleMessage(Message message) {
                try {
                    AnswerWriting.envelope(message.getContent(XMLStreamWriter.class), 1);
                } catch (XMLStreamException e) {
                    throw new Fault(e);
                }
            }
        });
        WireCounter counter = new WireCounter();
        chain.add(counter.outgoing());
        ByteArrayOutputStream transport = new ByteArrayOutputStream();
        SoapMessage message = new SoapMessage(new MessageImpl());
        message.setContent(OutputStream.class, transport);
        message.setInterceptorChain(chain);

        chain.doIntercept(message);

        assertTrue("the header was written", transport.toString("UTF-8").contains("UsernameToken"));
        assertEquals(transport.size(), counter.sent.get());
        assertEquals(1, counter.messagesSent.get());
    }

    @Test
    public void aSignedRequestIsNotWrittenSo() {
        try {
            StreamedSecurityHeader.requests(options(ConfigurationConstants.TIMESTAMP + " " + ConfigurationConstants.SIGNATURE));
            fail("a streamed request header was built for a signature");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("Signature"));
        }
    }
}
