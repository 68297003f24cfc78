package org.wsemail.endpoint.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

import javax.xml.stream.XMLStreamException;

import org.apache.cxf.interceptor.Fault;
import org.apache.cxf.message.Message;
import org.apache.cxf.phase.AbstractPhaseInterceptor;
import org.apache.cxf.phase.Phase;

/**
 * Refuses a request body larger than the server accepts, before it is parsed: at once when its
 * Content-Length says so, otherwise (chunked) as soon as reading passes the limit.
 */
final class RequestSizeLimit extends AbstractPhaseInterceptor<Message> {
    private final long maxBytes;

    RequestSizeLimit(long maxBytes) {
        super(Phase.RECEIVE);
        this.maxBytes = maxBytes;
    }

    @Override
    public void handleMessage(Message message) {
        if (declaredLength(message) > maxBytes) {
            throw new Fault(tooLarge());
        }
        InputStream body = message.getContent(InputStream.class);
        if (body != null) {
            message.setContent(InputStream.class, new Limited(body));
        }
    }

    /** The Content-Length header, or -1 if there is none (chunked) or it is not a number. */
    private static long declaredLength(Message message) {
        Object headers = message.get(Message.PROTOCOL_HEADERS);
        if (headers instanceof Map<?, ?> map && map.get("Content-Length") instanceof List<?> values && !values.isEmpty()) {
            try {
                return Long.parseLong(String.valueOf(values.get(0)).trim());
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }

    private XMLStreamException tooLarge() {
        return new XMLStreamException("Request size limit (" + maxBytes + " bytes) exceeded");
    }

    private final class Limited extends FilterInputStream {
        private long read;

        Limited(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) throws IOException {
            read += n;
            if (read > maxBytes) {
                throw new IOException(tooLarge());
            }
        }
    }
}
