package org.wsemail.endpoint.internal;

import java.time.Clock;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.wsemail.api.runtime.MessagePipeline;
import org.wsemail.api.server.FederatedTokens;
import org.wsemail.api.server.MailDomain;
import org.wsemail.api.server.MailQueue;
import org.wsemail.api.server.MailStore;
import org.wsemail.api.server.UserDirectory;
import org.wsemail.wire.MessageCodec;

/** The server's parts the three client endpoints share, gathered once; a service of this bundle only. */
@Component(service = ClientServiceParts.class, configurationPid = EndpointSettings.PID)
public class ClientServiceParts {
    private final ClientService.Parts parts;

    @Activate
    public ClientServiceParts(EndpointSettings settings, @Reference MessagePipeline pipeline, @Reference MailQueue queue,
            @Reference MailStore store, @Reference MailDomain domain, @Reference UserDirectory users,
            @Reference FederatedTokens tokens) {
        this.parts = new ClientService.Parts(pipeline, queue, store, domain, users, tokens,
                Buses.withBundleClassLoader(MessageCodec::new), settings.max_message_kib() * 1024, new SendingLimits(settings), Clock.systemUTC());
    }

    ClientService.Parts parts() {
        return parts;
    }
}
