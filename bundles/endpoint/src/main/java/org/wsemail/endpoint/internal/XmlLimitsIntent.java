package org.wsemail.endpoint.internal;

import java.util.List;
import java.util.Map;

import org.apache.cxf.interceptor.Interceptor;
import org.apache.cxf.message.Message;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.apache.cxf.feature.Feature;
import org.wsemail.api.plugin.SoapIntents;

/**
 * {@value SoapIntents#XML_LIMITS}: limits checked while a request is read, before anything else
 * reads it: its size, nesting, fan-out and element count (CXF's parser also refuses more than 500
 * attributes on an element and any document type declaration, so no entity bomb and no external
 * entity); a refusal says which limit was hit.
 */
@Component(service = Feature.class, configurationPid = EndpointSettings.PID,
        property = Intent.NAME + "=" + SoapIntents.XML_LIMITS)
public class XmlLimitsIntent extends Intent {
    private final EndpointSettings settings;

    @Activate
    public XmlLimitsIntent(EndpointSettings settings) {
        this.settings = settings;
    }

    /** The largest request body: the largest message, base64-inflated, and room for envelope and headers. */
    static long maxRequestBytes(EndpointSettings settings) {
        return settings.max_message_kib() * 1024 * 4 / 3 + 256 * 1024;
    }

    @Override
    Map<String, Object> properties() {
        return Map.of("org.apache.cxf.stax.maxElementDepth", settings.max_xml_depth(),
                "org.apache.cxf.stax.maxChildElements", settings.max_xml_children(),
                "org.apache.cxf.stax.maxElementCount", settings.max_xml_elements());
    }

    @Override
    List<Interceptor<? extends Message>> in() {
        return List.of(new RequestSizeLimit(maxRequestBytes(settings)));
    }

    @Override
    List<Interceptor<? extends Message>> outFault() {
        return List.of(new RefusedXmlFaults());
    }
}
