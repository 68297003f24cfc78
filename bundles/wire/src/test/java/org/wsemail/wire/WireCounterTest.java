package org.wsemail.wire;

import static org.junit.Assert.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;

import org.apache.cxf.bus.managers.PhaseManagerImpl;
import org.apache.cxf.message.Message;
import org.apache.cxf.message.MessageImpl;
import org.apache.cxf.phase.AbstractPhaseInterceptor;
import org.apache.cxf.phase.Phase;
import org.apache.cxf.phase.PhaseInterceptorChain;
import org.apache.cxf.transport.common.gzip.GZIPInInterceptor;
import org.junit.Test;

/** What the counter counts of a compressed answer: the bytes that travelled, not the bytes unpacked. */
public class WireCounterTest {

    @Test
    public void aCompressedAnswerIsCountedAsItTravelledAndReadUnpacked() throws Exception {
        String answer = "<soap:Envelope>" + "a read message's text, ".repeat(200) + "</soap:Envelope>";
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(compressed)) {
            gzip.write(answer.getBytes(StandardCharsets.UTF_8));
        }
        WireCounter counter = new WireCounter();
        StringBuilder read = new StringBuilder();
        PhaseInterceptorChain chain = new PhaseInterceptorChain(new PhaseManagerImpl().getInPhases());
        // The unpacking interceptor goes in first: the counter still wraps the stream below it.
        chain.add(new GZIPInInterceptor());
        chain.add(counter.incoming());
        chain.add(new AbstractPhaseInterceptor<Message>(Phase.READ) {
            @Override
            public void handleMessage(Message message) {
                try (InputStream in = message.getContent(InputStream.class)) {
                    read.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        Message message = new MessageImpl();
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.put("Content-Encoding", List.of("gzip"));
        message.put(Message.PROTOCOL_HEADERS, headers);
        message.setContent(InputStream.class, new ByteArrayInputStream(compressed.toByteArray()));
        message.setInterceptorChain(chain);

        chain.doIntercept(message);

        assertEquals(answer, read.toString());
        assertEquals(compressed.size(), counter.received.get());
        assertEquals(1, counter.messagesReceived.get());
    }
}
