package org.wsemail.client;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.cxf.message.Message;
import org.apache.cxf.phase.AbstractPhaseInterceptor;
import org.apache.cxf.phase.Phase;

/**
 * Counts the bytes of the SOAP messages a client sends and receives (the HTTP bodies; TLS and HTTP
 * headers come on top), for the benchmark's bytes-per-operation figures, as the paper's tables give them.
 */
final class WireCounter {
    final AtomicLong sent = new AtomicLong();
    final AtomicLong received = new AtomicLong();

    void reset() {
        sent.set(0);
        received.set(0);
    }

    AbstractPhaseInterceptor<Message> outgoing() {
        return new AbstractPhaseInterceptor<>(Phase.PRE_STREAM) {
            @Override
            public void handleMessage(Message message) {
                OutputStream out = message.getContent(OutputStream.class);
                if (out != null) {
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

    AbstractPhaseInterceptor<Message> incoming() {
        return new AbstractPhaseInterceptor<>(Phase.RECEIVE) {
            @Override
            public void handleMessage(Message message) {
                InputStream in = message.getContent(InputStream.class);
                if (in != null) {
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
