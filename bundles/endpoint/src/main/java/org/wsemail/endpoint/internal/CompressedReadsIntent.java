package org.wsemail.endpoint.internal;

import java.util.List;

import org.apache.cxf.feature.Feature;
import org.apache.cxf.interceptor.Interceptor;
import org.apache.cxf.interceptor.MessageSenderInterceptor;
import org.apache.cxf.message.Message;
import org.apache.cxf.phase.AbstractPhaseInterceptor;
import org.apache.cxf.phase.Phase;
import org.apache.cxf.service.model.BindingOperationInfo;
import org.apache.cxf.transport.common.gzip.GZIPOutInterceptor;
import org.osgi.service.component.annotations.Component;
import org.wsemail.api.plugin.SoapIntents;

/**
 * {@value SoapIntents#COMPRESSED_READS}: the answer to {@code retrieve} is gzip-compressed when the
 * request's {@code Accept-Encoding} allows it (CXF's {@link GZIPOutInterceptor} reads the header
 * and leaves answers under its threshold alone). The signature is made over the XML as before and
 * the compression wraps the stream below it, so a reader checks exactly what it did. Faults and
 * every other operation's answers go out as they are (see the intent for why).
 */
@Component(service = Feature.class, property = Intent.NAME + "=" + SoapIntents.COMPRESSED_READS)
public class CompressedReadsIntent extends Intent {
    /** The operation whose answers are compressed. */
    static final String READ = "retrieve";

    private final List<Interceptor<? extends Message>> out = List.of(new ReadsOnly(new GZIPOutInterceptor()));

    @Override
    List<Interceptor<? extends Message>> out() {
        return out;
    }

    /** Hands the answers of {@value #READ} to the compressing interceptor, in the phase and place it takes. */
    static final class ReadsOnly extends AbstractPhaseInterceptor<Message> {
        private final GZIPOutInterceptor gzip;

        ReadsOnly(GZIPOutInterceptor gzip) {
            super(Phase.PREPARE_SEND);
            addAfter(MessageSenderInterceptor.class.getName());
            this.gzip = gzip;
        }

        @Override
        public void handleMessage(Message message) {
            BindingOperationInfo operation = message.getExchange().getBindingOperationInfo();
            if (operation != null && READ.equals(operation.getName().getLocalPart())) {
                gzip.handleMessage(message);
            }
        }
    }
}
