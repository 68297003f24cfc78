package org.wsemail.endpoint.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The endpoints' settings, {@code etc/org.wsemail.endpoint.cfg} (configuration PID {@value #PID}):
 * request limits and timestamp lifetimes, read by the intents that apply them and by the services
 * that check message sizes.
 */
@ObjectClassDefinition(name = "WSEmail SOAP endpoints", pid = EndpointSettings.PID)
public @interface EndpointSettings {
    String PID = "org.wsemail.endpoint";

    @AttributeDefinition(name = "Largest message (KiB)", description = "Subject, body and attachments together")
    long max_message_kib() default 10_240;

    @AttributeDefinition(name = "Timestamp lifetime (s)", description = "How old a request's wsu:Timestamp may be")
    int timestamp_ttl_seconds() default 300;

    @AttributeDefinition(name = "Clock skew (s)", description = "How far in the future a timestamp may be")
    int future_ttl_seconds() default 60;

    @AttributeDefinition(name = "Deepest XML nesting", description = "Elements inside elements, envelope included")
    int max_xml_depth() default 48;

    @AttributeDefinition(name = "Most children of one XML element")
    int max_xml_children() default 2_000;

    @AttributeDefinition(name = "Most XML elements in one request")
    long max_xml_elements() default 20_000;
}
