package org.wsemail.wire.security;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.Provider;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

import org.apache.cxf.binding.soap.SoapMessage;
import org.apache.cxf.binding.soap.interceptor.AbstractSoapInterceptor;
import org.apache.cxf.interceptor.AbstractOutDatabindingInterceptor;
import org.apache.cxf.interceptor.AttachmentOutInterceptor;
import org.apache.cxf.interceptor.Fault;
import org.apache.cxf.interceptor.Interceptor;
import org.apache.cxf.interceptor.StaxOutInterceptor;
import org.apache.cxf.message.Message;
import org.apache.cxf.phase.AbstractPhaseInterceptor;
import org.apache.cxf.phase.Phase;
import org.apache.cxf.ws.security.SecurityConstants;
import org.apache.cxf.ws.security.wss4j.PolicyBasedWSS4JStaxOutInterceptor;
import org.apache.cxf.ws.security.wss4j.WSS4JStaxOutInterceptor;
import org.apache.wss4j.common.ConfigurationConstants;
import org.apache.wss4j.common.ext.WSSecurityException;
import org.apache.wss4j.stax.ext.WSSSecurityProperties;
import org.apache.wss4j.stax.setup.ConfigurationConverter;
import org.apache.wss4j.stax.setup.OutboundWSSec;
import org.apache.wss4j.stax.setup.WSSec;
import org.apache.xml.security.stax.impl.OutboundSecurityContextImpl;

/**
 * A WS-Security header written while CXF writes the message, by WS-Security's streaming
 * implementation, configured once and used by all threads at once (each message has its own
 * writer): no SAAJ tree of the message is built. Two uses:
 *
 * <ul>
 * <li>A server's signature on its answer ({@link ResponseSignatures#signer}). The signer asks for
 * streaming on the answer, so the Timestamp header the endpoint's security policy asks for is
 * written by CXF's streaming policy interceptor too (requests are still checked as before). The
 * signature's writer sits on top of that interceptor's writer: the answer's events go through this
 * signature first, whose security header (of {@link ResponseSignatures#ROLE}) holds its own
 * Timestamp, and then through the policy's, which adds its header; without a policy, this signer
 * writes to the answer's stream itself. Two configurations are fixed: the certificate named by
 * thumbprint, or carried; each answer picks one.</li>
 * <li>A caller's UsernameToken and Timestamp on its requests ({@link #requests}), written to the
 * request's stream.</li>
 * </ul>
 */
public final class StreamedSecurityHeader {
    private static final String STREAM = StreamedSecurityHeader.class.getName() + ".stream";
    private static final String NAMES_CERTIFICATE = StreamedSecurityHeader.class.getName() + ".namesCertificate";

    private final OutboundWSSec named;
    private final OutboundWSSec carried;

    private StreamedSecurityHeader(OutboundWSSec named, OutboundWSSec carried) {
        this.named = named;
        this.carried = carried;
    }

    /**
     * A server's signature on its answers.
     *
     * @param wss4j WS-Security's options for the signature, as {@link ConfigurationConstants} names
     *        them, without the key identifier
     * @param edDsa the provider to compute {@code Ed25519} signatures with, registered for that
     *        ({@link BouncyCastleEd25519#registerForStreamedSignatures}), or null for the JVM's
     * @throws IllegalStateException if {@code edDsa} is not the registered one
     */
    static StreamedSecurityHeader answerSignature(Map<String, Object> wss4j, Provider edDsa) {
        WSSec.init();
        if (edDsa != null && !BouncyCastleEd25519.signsStreamedSignatures(edDsa)) {
            throw new IllegalStateException("answers signed with Ed25519 would not be signed by " + edDsa.getName()
                    + ": it is not registered for streamed signatures");
        }
        return new StreamedSecurityHeader(outbound(wss4j, "Thumbprint"), outbound(wss4j, "DirectReference"));
    }

    /**
     * The interceptors that write a caller's security header on each request, as {@code wss4j}
     * configures it: a UsernameToken (its nonce and time new for each request) and a Timestamp.
     * Requests that are signed keep WS-Security's DOM implementation: a caller's keys need not be
     * Ed25519 through a registered provider.
     *
     * @throws IllegalArgumentException if {@code wss4j} asks for more than a UsernameToken and a Timestamp
     */
    public static List<Interceptor<? extends Message>> requests(Map<String, Object> wss4j) {
        return List.of(new Starting(usernameToken(wss4j), new Ending()));
    }

    /** The header of {@link #requests}, for the writer alone. */
    static StreamedSecurityHeader usernameToken(Map<String, Object> wss4j) {
        Set<String> actions = Set.of(String.valueOf(wss4j.get(ConfigurationConstants.ACTION)).trim().split("\\s+"));
        if (!Set.of(ConfigurationConstants.USERNAME_TOKEN, ConfigurationConstants.TIMESTAMP).containsAll(actions)) {
            throw new IllegalArgumentException("a streamed request header holds a UsernameToken and a Timestamp, not " + actions);
        }
        OutboundWSSec header = outbound(wss4j, null);
        return new StreamedSecurityHeader(header, header);
    }

    private static OutboundWSSec outbound(Map<String, Object> wss4j, String keyIdentifier) {
        Map<String, Object> options = new HashMap<>(wss4j);
        if (keyIdentifier != null) {
            options.put(ConfigurationConstants.SIG_KEY_ID, keyIdentifier);
        }
        WSSSecurityProperties properties = ConfigurationConverter.convert(options);
        try {
            return WSSec.getOutboundWSSec(properties);
        } catch (WSSecurityException e) {
            throw new IllegalArgumentException("cannot write this security header: " + e.getMessage(), e);
        }
    }

    /**
     * The interceptors that sign each answer: the first, ahead of CXF's policy interceptors, asks
     * for streaming and picks whether the answer names its certificate ({@code namesCertificate}
     * true) or carries it; the second puts the signature's writer in place, and adds to that
     * answer's chain the one that ends it.
     */
    List<Interceptor<? extends Message>> interceptors(Predicate<Message> namesCertificate) {
        return List.of(new AbstractPhaseInterceptor<Message>(Phase.PRE_LOGICAL) {
            @Override
            public void handleMessage(Message message) {
                message.put(SecurityConstants.ENABLE_STREAMING_SECURITY, Boolean.TRUE);
                message.put(NAMES_CERTIFICATE, namesCertificate.test(message));
            }
        }, new Starting(this, new Ending()));
    }

    /**
     * A writer that adds the header to the message written to it (signing an answer) and passes it
     * on to {@code below}: the writer of another interceptor, or the message's stream. On a stream,
     * the XML declaration is written only for an encoding other than UTF-8, which XML reads without
     * one (38 bytes a message; CXF leaves it out of its own messages too).
     *
     * @param namesCertificate whether an answer's signature names its certificate by thumbprint
     *        rather than carrying it
     */
    XMLStreamWriter writer(boolean namesCertificate, Object below, String encoding) throws WSSecurityException,
            XMLStreamException {
        OutboundWSSec signature = namesCertificate ? named : carried;
        if (below instanceof XMLStreamWriter writer) {
            return signature.processOutMessage(writer, encoding, new OutboundSecurityContextImpl());
        }
        XMLStreamWriter writer = signature.processOutMessage(below, encoding, new OutboundSecurityContextImpl());
        if (!StandardCharsets.UTF_8.name().equalsIgnoreCase(encoding)) {
            writer.writeStartDocument(encoding, "1.0");
        }
        return writer;
    }

    /** Puts the header's writer over the message's writer, or over its stream. */
    private static final class Starting extends AbstractSoapInterceptor {
        private final StreamedSecurityHeader header;
        private final Ending ending;

        Starting(StreamedSecurityHeader header, Ending ending) {
            super(Phase.PRE_STREAM);
            addAfter(PolicyBasedWSS4JStaxOutInterceptor.class.getName());
            addBefore(StaxOutInterceptor.class.getName());
            this.header = header;
            this.ending = ending;
        }

        @Override
        public void handleMessage(SoapMessage message) {
            boolean named = Boolean.TRUE.equals(message.get(NAMES_CERTIFICATE));
            String encoding = (String) message.get(Message.ENCODING);
            if (encoding == null) {
                encoding = StandardCharsets.UTF_8.name();
                message.put(Message.ENCODING, encoding);
            }
            // Signed bytes are inline: an MTOM attachment would be signed only by its reference (a
            // request with this header has no attachments: those go to the attachments service).
            message.put(Message.MTOM_ENABLED, Boolean.FALSE);
            message.put(AbstractOutDatabindingInterceptor.DISABLE_OUTPUTSTREAM_OPTIMIZATION, Boolean.TRUE);
            XMLStreamWriter below = message.getContent(XMLStreamWriter.class);
            OutputStream stream = below == null ? message.getContent(OutputStream.class) : null;
            try {
                message.setContent(XMLStreamWriter.class, header.writer(named, below != null ? below : stream, encoding));
            } catch (WSSecurityException | XMLStreamException e) {
                throw new Fault(e);
            }
            if (stream != null) {
                message.removeContent(OutputStream.class);
                message.put(STREAM, stream);
            }
            message.getInterceptorChain().add(ending);
        }
    }

    /**
     * Ends the message: the header's writer works out an answer's signature when the document ends
     * and then ends the writer below it (the policy's), which writes the answer out; CXF's streaming
     * policy interceptor then finds no writer left to end and only gives the stream back. A
     * request's writer writes to the stream itself.
     */
    private static final class Ending extends AbstractPhaseInterceptor<Message> {
        Ending() {
            super(Phase.PRE_STREAM_ENDING);
            addBefore(WSS4JStaxOutInterceptor.class.getName() + "$WSS4JStaxOutInterceptorInternal");
            addBefore(AttachmentOutInterceptor.AttachmentOutEndingInterceptor.class.getName());
        }

        @Override
        public void handleMessage(Message message) {
            XMLStreamWriter writer = message.getContent(XMLStreamWriter.class);
            try {
                if (writer != null) {
                    writer.writeEndDocument();
                    writer.flush();
                    writer.close();
                }
            } catch (XMLStreamException e) {
                throw new Fault(e);
            }
            message.removeContent(XMLStreamWriter.class);
            OutputStream stream = (OutputStream) message.get(STREAM);
            if (stream != null) {
                message.setContent(OutputStream.class, stream);
            }
        }
    }
}
