package org.wsemail.plugins.relaycontrol;

import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.wsemail.api.Address;
import org.wsemail.api.MailMessage;
import org.wsemail.api.ProcessingEnvironment;
import org.wsemail.api.plugin.MailContext;
import org.wsemail.api.plugin.SendingDecision;
import org.wsemail.api.plugin.SendingProcessor;
import org.wsemail.api.plugin.WsemailPlugin;

/**
 * Who may send where through this server: its own authenticated users may send to any domain (or,
 * when so configured, only within it); identities from other domains (with a federated token, say)
 * may send only to this domain's users, so the server is never an open relay. Stateless.
 */
@Component(service = SendingProcessor.class, configurationPid = RelayControl.PID)
@WsemailPlugin(name = "relay-control")
@Designate(ocd = RelayControl.Config.class)
public class RelayControl implements SendingProcessor {
    static final String PID = "org.wsemail.plugins.relaycontrol";

    @ObjectClassDefinition(name = "WSEmail relay control")
    public @interface Config {
        @AttributeDefinition(name = "Local users may send to other domains")
        boolean local_users_may_relay() default true;
    }

    private final MailContext context;
    private final boolean localUsersMayRelay;

    @Activate
    public RelayControl(@Reference MailContext context, Config config) {
        this.context = context;
        this.localUsersMayRelay = config.local_users_may_relay();
    }

    @Override
    public SendingDecision process(MailMessage message, ProcessingEnvironment env) {
        if (env.isLocalUser() && localUsersMayRelay) {
            return SendingDecision.accept();
        }
        List<Address> elsewhere = message.recipients().stream().filter(r -> !context.isLocal(r)).toList();
        if (elsewhere.isEmpty()) {
            return SendingDecision.accept();
        }
        String who = env.isLocalUser() ? "users of " + context.domain() : env.caller() + ", a user of another domain,";
        return SendingDecision.reject(who + " may send only to " + context.domain() + " through this server; not to "
                + String.join(", ", elsewhere.stream().map(Address::toString).toList()));
    }
}
