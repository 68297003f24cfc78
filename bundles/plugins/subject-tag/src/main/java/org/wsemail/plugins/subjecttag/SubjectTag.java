package org.wsemail.plugins.subjecttag;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.wsemail.api.MailMessage;
import org.wsemail.api.ProcessingEnvironment;
import org.wsemail.api.plugin.SendingDecision;
import org.wsemail.api.plugin.SendingProcessor;
import org.wsemail.api.plugin.WsemailPlugin;

/**
 * Puts a tag in front of the subject of every message sent through this server, the way mailing
 * lists mark their traffic: {@code Lunch?} becomes {@code [acme] Lunch?}. A subject that already
 * holds the tag (a reply, say) is left alone, so tags do not pile up.
 *
 * <p>Runs with its defaults as the plug-in {@code subject-tag}. Each factory configuration of
 * {@value #FACTORY_PID} adds one more instance, named by its {@code wsemail.plugin.name}.
 *
 * <p>Stateless, so safe to call concurrently.
 */
@Component(service = SendingProcessor.class, configurationPid = SubjectTag.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@WsemailPlugin(name = "subject-tag")
@Designate(ocd = SubjectTag.Config.class, factory = true)
public class SubjectTag implements SendingProcessor {
    static final String FACTORY_PID = "org.wsemail.plugins.subjecttag";

    @ObjectClassDefinition(name = "WSEmail subject tag",
            description = "Prefixes the subject of every sent message with a tag.")
    public @interface Config {
        @AttributeDefinition(name = "Tag", description = "The text put before the subject, e.g. [acme]")
        String tag() default "[wsemail]";
    }

    private final String tag;

    @Activate
    public SubjectTag(Config config) {
        if (config.tag() == null || config.tag().isBlank()) {
            throw new IllegalArgumentException("the subject tag must not be empty");
        }
        this.tag = config.tag().trim();
    }

    @Override
    public SendingDecision process(MailMessage message, ProcessingEnvironment env) {
        if (message.subject().contains(tag)) {
            return SendingDecision.accept();
        }
        String subject = message.subject().isEmpty() ? tag : tag + " " + message.subject();
        return SendingDecision.accept(message.toBuilder().subject(subject).build());
    }
}
