package org.wsemail.wire.security;

import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.Map;

import javax.xml.soap.MessageFactory;
import javax.xml.soap.SOAPPart;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamWriter;

import org.apache.cxf.binding.soap.saaj.SAAJStreamWriter;
import org.apache.cxf.staxutils.StaxUtils;
import org.apache.wss4j.common.ConfigurationConstants;
import org.apache.wss4j.dom.WSConstants;
import org.apache.wss4j.dom.message.WSSecHeader;
import org.apache.wss4j.dom.message.WSSecTimestamp;
import org.apache.wss4j.dom.message.WSSecUsernameToken;

/**
 * A benchmark, not a test (docs/security-header-bench.sh runs it): a client's request with a
 * password login's UsernameToken (nonce, creation time) and Timestamp, written the way requests
 * were before ({@code dom}: the request built as a SAAJ tree, the header added by WS-Security's DOM
 * implementation, the tree then written out) and the way they are now ({@code streamed}:
 * {@link StreamedSecurityHeader#requests}, configured once). A request body of about 1.3 KB, as a
 * send of a 1 KB mail. The two alternate, round by round, in one JVM; each round prints
 * microseconds and bytes per request.
 *
 * <p>Arguments: requests per round (2000), rounds (8).
 */
public final class RequestHeaderBench {
    /** Lines of text in the request's body: about 1.3 KB. */
    private static final int LINES = 13;
    private static final String USER = "bench1@local.test";
    private static final String PASSWORD = "bench-password-1";

    private final MessageFactory soap = MessageFactory.newInstance();
    private final XMLOutputFactory output = XMLOutputFactory.newInstance();
    private final StreamedSecurityHeader streamed;

    private RequestHeaderBench() throws Exception {
        Map<String, Object> security = new HashMap<>();
        security.put(ConfigurationConstants.ACTION, ConfigurationConstants.USERNAME_TOKEN + " " + ConfigurationConstants.TIMESTAMP);
        security.put(ConfigurationConstants.USER, USER);
        security.put(ConfigurationConstants.PASSWORD_TYPE, WSConstants.PW_TEXT);
        security.put(ConfigurationConstants.ADD_USERNAMETOKEN_NONCE, "true");
        security.put(ConfigurationConstants.ADD_USERNAMETOKEN_CREATED, "true");
        security.put(ConfigurationConstants.PW_CALLBACK_REF, WsCryptos.passwordCallback(PASSWORD.toCharArray()));
        streamed = StreamedSecurityHeader.usernameToken(security);
    }

    public static void main(String[] args) throws Exception {
        RequestHeaderBench bench = new RequestHeaderBench();
        AlternatingRounds.run(args, bench::streamed, bench::dom);
    }

    private long streamed() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AnswerWriting.write(streamed.writer(false, out, "UTF-8"), LINES);
        return out.size();
    }

    private long dom() throws Exception {
        SOAPPart request = soap.createMessage().getSOAPPart();
        AnswerWriting.write(new SAAJStreamWriter(request), LINES);
        WSSecHeader header = new WSSecHeader(request);
        header.insertSecurityHeader();
        WSSecUsernameToken token = new WSSecUsernameToken(header);
        token.setPasswordType(WSConstants.PASSWORD_TEXT);
        token.setUserInfo(USER, PASSWORD);
        token.addNonce();
        token.addCreated();
        token.build();
        new WSSecTimestamp(header).build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        XMLStreamWriter writer = output.createXMLStreamWriter(out, "UTF-8");
        StaxUtils.copy(request, writer);
        writer.flush();
        return out.size();
    }
}
