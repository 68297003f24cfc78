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
        long limit = limit(message);
        if (declaredLength(message) > limit) {
            throw new Fault(tooLarge(limit));
        }
        InputStream body = message.getContent(InputStream.class);
        if (body != null) {
            message.setContent(InputStream.class, new Limited(body, limit));
        }
    }

    /** The limit, unless the endpoint streams attachments and says how much it takes. */
    private long limit(Message message) {
        Object own = message.getExchange() == null || message.getExchange().getEndpoint() == null ? null
                : message.getExchange().getEndpoint().get(StreamedAttachmentsIntent.MAX_REQUEST_BYTES);
        return own instanceof Long bytes ? Math.max(bytes, maxBytes) : maxBytes;
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

    private static XMLStreamException tooLarge(long limit) {
        return new XMLStreamException("Request size limit (" + limit + " bytes) exceeded");
    }

    private static final class Limited extends FilterInputStream {
        private final long limit;
        private long read;

        Limited(InputStream in, long limit) {
            super(in);
            this.limit = limit;
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
            if (read > limit) {
                throw new IOException(tooLarge(limit));
            }
        }
    }
}
