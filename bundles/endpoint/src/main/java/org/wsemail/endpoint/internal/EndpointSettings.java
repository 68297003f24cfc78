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

    @AttributeDefinition(name = "Recipients of one message", description = "The most a user may send one message to; 0 no limit")
    int max_recipients() default 100;

    @AttributeDefinition(name = "Recipients an hour", description = "The most recipients a user may reach within an hour; 0 no limit")
    int hourly_recipients() default 1_000;

    @AttributeDefinition(name = "Volume an hour (MiB)",
            description = "What a user may send within an hour, each message counted as its size times its recipients; 0 no limit")
    long hourly_mib() default 1_024;

    @AttributeDefinition(name = "Recipients of one message, visitors", description = "As for users, for visitors with another domain's token")
    int visitor_max_recipients() default 10;

    @AttributeDefinition(name = "Recipients an hour, visitors")
    int visitor_hourly_recipients() default 100;

    @AttributeDefinition(name = "Volume an hour (MiB), visitors")
    long visitor_hourly_mib() default 100;

    @AttributeDefinition(name = "Largest streamed attachment (MiB)",
            description = "The most one attachment sent to an endpoint with streamed attachments (the on-demand attachments) may hold")
    long max_attachment_mib() default 512;

    @AttributeDefinition(name = "Timestamp lifetime (s)", description = "How old a request's wsu:Timestamp may be")
    int timestamp_ttl_seconds() default 300;

    @AttributeDefinition(name = "Clock skew (s)", description = "How far in the future a timestamp may be: how far"
            + " a client's or another server's clock may run ahead of this one's")
    int future_ttl_seconds() default org.wsemail.wire.security.ResponseSignatures.CLOCK_SKEW_SECONDS;

    @AttributeDefinition(name = "Relayed mail accepted for (h)",
            description = "A relayed message sent longer ago is refused as stale; deliveries are remembered longer (delivery.log.days)")
    int relayed_message_lifetime_hours() default 168;

    @AttributeDefinition(name = "Relayed mail dated ahead (s)",
            description = "How far in the future a relayed message's time may be: the other server's clock may run ahead")
    int relayed_message_future_seconds() default 600;

    @AttributeDefinition(name = "Requests remembered for replay checks",
            description = "Authenticated requests within their timestamp's lifetime; beyond, requests are refused until some expire")
    int replay_cache_entries() default 200_000;

    @AttributeDefinition(name = "Failed logins before delays",
            description = "Failed password logins of one name or one client address before each further attempt must wait, 0.5 s and doubling")
    int login_free_failures() default 3;

    @AttributeDefinition(name = "Failed logins before lockout", description = "Then the name is locked out")
    int login_lockout_failures() default 10;

    @AttributeDefinition(name = "Failed logins from one address before delays",
            description = "As for names, but many users may share one address")
    int login_address_free_failures() default 10;

    @AttributeDefinition(name = "Failed logins from one address before lockout")
    int login_address_lockout_failures() default 100;

    @AttributeDefinition(name = "Lockout (min)")
    int login_lockout_minutes() default 15;

    @AttributeDefinition(name = "Names and addresses tracked",
            description = "The most user names (and, apart, client addresses) whose failures are remembered")
    int login_tracked() default 50_000;

    @AttributeDefinition(name = "Deepest XML nesting", description = "Elements inside elements, envelope included")
    int max_xml_depth() default 48;

    @AttributeDefinition(name = "Most children of one XML element")
    int max_xml_children() default 2_000;

    @AttributeDefinition(name = "Most XML elements in one request")
    long max_xml_elements() default 20_000;
}
