package org.wsemail.wire;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.cxf.interceptor.MessageSenderInterceptor;
import org.apache.cxf.message.Message;
import org.apache.cxf.phase.AbstractPhaseInterceptor;
import org.apache.cxf.phase.Phase;
import org.apache.cxf.transport.common.gzip.GZIPInInterceptor;

/**
 * Counts the bytes of the SOAP messages a party sends and receives (the HTTP bodies; TLS and HTTP
 * headers come on top), and the messages, as the paper's tables give them: a client per request
 * for the benchmark, a server in total for its traffic with other servers.
 */
public final class WireCounter {
    /** Bytes of the messages sent. */
    public final AtomicLong sent = new AtomicLong();
    /** Bytes of the messages received. */
    public final AtomicLong received = new AtomicLong();
    /** Messages sent. */
    public final AtomicLong messagesSent = new AtomicLong();
    /** Messages received. */
    public final AtomicLong messagesReceived = new AtomicLong();

    /** Sets the counts to zero. */
    public void reset() {
        sent.set(0);
        received.set(0);
        messagesSent.set(0);
        messagesReceived.set(0);
    }

    /** The id of the interceptor that counts outgoing messages. */
    private static final String OUTGOING = WireCounter.class.getName() + ".outgoing";

    /**
     * Counts each outgoing message (a request of a client, a response of a server). It wraps the
     * message's stream as soon as the transport has opened it, a phase before any writer is put on
     * it: a security header written as the message streams, by WSEmail or by CXF's policy
     * interceptors, takes the stream over in the next phase, and what it writes is counted.
     */
    public AbstractPhaseInterceptor<Message> outgoing() {
        return new AbstractPhaseInterceptor<>(OUTGOING, Phase.PREPARE_SEND) {
            {
                addAfter(MessageSenderInterceptor.class.getName());
            }

            @Override
            public void handleMessage(Message message) {
                OutputStream out = message.getContent(OutputStream.class);
                if (out != null) {
                    messagesSent.incrementAndGet();
                    message.setContent(OutputStream.class, new FilterOutputStream(out) {
                        @Override
                        public void write(int b) throws IOException {
                            out.write(b);
                            sent.incrementAndGet();
                        }

                        @Override
                        public void write(byte[] b, int off, int len) throws IOException {
                            out.write(b, off, len);
                            sent.addAndGet(len);
                        }
                    });
                }
            }
        };
    }

    /**
     * Counts each incoming message (a response to a client, a request to a server; not a GET). It
     * wraps the stream before a compressed message is unpacked, so it counts the bytes that travelled.
     */
    public AbstractPhaseInterceptor<Message> incoming() {
        return new AbstractPhaseInterceptor<>(Phase.RECEIVE) {
            {
                addBefore(GZIPInInterceptor.class.getName());
            }

            @Override
            public void handleMessage(Message message) {
                InputStream in = message.getContent(InputStream.class);
                // A GET (a WSDL fetched) is no message of the service.
                if (in != null && !"GET".equals(message.get(Message.HTTP_REQUEST_METHOD))) {
                    messagesReceived.incrementAndGet();
                    message.setContent(InputStream.class, new FilterInputStream(in) {
                        @Override
                        public int read() throws IOException {
                            int b = in.read();
                            if (b >= 0) {
                                received.incrementAndGet();
                            }
                            return b;
                        }

                        @Override
                        public int read(byte[] b, int off, int len) throws IOException {
                            int n = in.read(b, off, len);
                            if (n > 0) {
                                received.addAndGet(n);
                            }
                            return n;
                        }
                    });
                }
            }
        };
    }
}
