package org.wsemail.endpoint.internal;

import java.util.HashMap;
import java.util.Map;

import org.apache.cxf.feature.Feature;
import org.apache.cxf.message.Message;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.wsemail.api.plugin.SoapIntents;

/**
 * {@value SoapIntents#STREAMED_ATTACHMENTS}: MTOM on, attachment parts larger than 64 KiB cached in
 * files while a request is read (never whole in memory), each part at most {@code max.attachment.mib};
 * the request as a whole may be that large plus the XML's own limit, which {@link RequestSizeLimit}
 * reads from the endpoint.
 */
@Component(service = Feature.class, configurationPid = EndpointSettings.PID,
        property = Intent.NAME + "=" + SoapIntents.STREAMED_ATTACHMENTS)
public class StreamedAttachmentsIntent extends Intent {
    /** The endpoint property with the largest request body an endpoint with this intent accepts. */
    static final String MAX_REQUEST_BYTES = "org.wsemail.maxRequestBytes";
    private static final int IN_MEMORY_BYTES = 64 * 1024;

    private final EndpointSettings settings;

    @Activate
    public StreamedAttachmentsIntent(EndpointSettings settings) {
        this.settings = settings;
    }

    @Override
    Map<String, Object> properties() {
        long maxAttachment = settings.max_attachment_mib() << 20;
        Map<String, Object> properties = new HashMap<>();
        properties.put(Message.MTOM_ENABLED, Boolean.TRUE);
        properties.put("attachment-memory-threshold", String.valueOf(IN_MEMORY_BYTES));
        properties.put("attachment-max-size", String.valueOf(maxAttachment));
        properties.put(MAX_REQUEST_BYTES, maxAttachment + XmlLimitsIntent.maxRequestBytes(settings));
        return properties;
    }
}
