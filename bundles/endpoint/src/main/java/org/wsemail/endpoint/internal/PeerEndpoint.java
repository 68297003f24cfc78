package org.wsemail.endpoint.internal;

import java.time.Clock;
import java.time.Duration;

import org.apache.cxf.feature.Feature;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.propertytypes.ExportedService;
import org.wsemail.api.plugin.SoapEndpoint;
import org.wsemail.api.plugin.SoapIntents;
import org.wsemail.api.server.LocalMta;
import org.wsemail.api.server.MailDomain;
import org.wsemail.api.server.MessageSigner;
import org.wsemail.wire.MessageCodec;
import org.wsemail.wire.soap.MailPeer;

/** The peer service, where other servers hand over mail, published at {@code /wsemail/peer}. */
@Component(service = MailPeer.class, configurationPid = EndpointSettings.PID)
@ExportedService(service_exported_interfaces = MailPeer.class, service_exported_configs = SoapEndpoint.CONFIG_TYPE,
        service_exported_intents = {SoapIntents.PEER, SoapIntents.SIGNED_ANSWERS, SoapIntents.XML_LIMITS})
@SoapEndpoint(address = "/peer", wsdl = "wsdl/peer.wsdl")
public class PeerEndpoint extends PeerService {

    /** The intents are referenced so that the service is registered, and exported, only once they are there. */
    @Activate
    public PeerEndpoint(EndpointSettings settings, @Reference MessageSigner signer, @Reference LocalMta localMta,
            @Reference MailDomain domain,
            @Reference(target = "(" + Intent.NAME + "=" + SoapIntents.PEER + ")") Feature peer,
            @Reference(target = "(" + Intent.NAME + "=" + SoapIntents.SIGNED_ANSWERS + ")") Feature signedAnswers,
            @Reference(target = "(" + Intent.NAME + "=" + SoapIntents.XML_LIMITS + ")") Feature limits,
            @Reference PeerTrafficCounter traffic) {
        super(signer, localMta, domain, Buses.withBundleClassLoader(MessageCodec::new), RequestContext.CURRENT,
                Duration.ofHours(settings.relayed_message_lifetime_hours()),
                Duration.ofSeconds(settings.relayed_message_future_seconds()), Clock.systemUTC(),
                traffic.delivered.messagesReceived::addAndGet);
    }
}
