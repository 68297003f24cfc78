package org.wsemail.plugins.sizelimit;

import java.util.ArrayList;
import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.wsemail.api.Attachment;
import org.wsemail.api.MailMessage;
import org.wsemail.api.ProcessingEnvironment;
import org.wsemail.api.plugin.SendingDecision;
import org.wsemail.api.plugin.SendingProcessor;
import org.wsemail.api.plugin.WsemailPlugin;

/**
 * Keeps oversized parts out of the mail: a body or an attachment over the limit is refused with the
 * sizes named, or, in {@code strip} mode, oversized attachments are taken out and the body says
 * which and why. Stateless, so safe to call concurrently.
 */
@Component(service = SendingProcessor.class, configurationPid = SizeLimit.PID)
@WsemailPlugin(name = "size-limit")
@Designate(ocd = SizeLimit.Config.class)
public class SizeLimit implements SendingProcessor {
    static final String PID = "org.wsemail.plugins.sizelimit";

    /** What to do with an attachment over the limit. */
    public enum Action {
        reject, strip
    }

    @ObjectClassDefinition(name = "WSEmail size limit", description = "Limits on the parts of sent messages.")
    public @interface Config {
        @AttributeDefinition(name = "Largest body (KiB)")
        long max_body_kib() default 1024;

        @AttributeDefinition(name = "Largest attachment (KiB)")
        long max_attachment_kib() default 5120;

        @AttributeDefinition(name = "Oversized attachments", options = {
            @Option(value = "reject", label = "Refuse the message"),
            @Option(value = "strip", label = "Remove the attachment and say so in the body")})
        Action action() default Action.reject;
    }

    private final long maxBody;
    private final long maxAttachment;
    private final Action action;

    @Activate
    public SizeLimit(Config config) {
        this.maxBody = config.max_body_kib() * 1024;
        this.maxAttachment = config.max_attachment_kib() * 1024;
        this.action = config.action();
    }

    @Override
    public SendingDecision process(MailMessage message, ProcessingEnvironment env) {
        long body = message.body().length();
        if (body > maxBody) {
            return SendingDecision.reject("the body is " + kib(body) + " KiB; this server accepts bodies up to "
                    + kib(maxBody) + " KiB");
        }
        List<Attachment> kept = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        for (Attachment attachment : message.attachments()) {
            if (attachment.size() <= maxAttachment) {
                kept.add(attachment);
            } else if (action == Action.reject) {
                return SendingDecision.reject("the attachment " + attachment.name() + " is " + kib(attachment.size())
                        + " KiB; this server accepts attachments up to " + kib(maxAttachment) + " KiB");
            } else {
                removed.add(attachment.name() + " (" + kib(attachment.size()) + " KiB)");
            }
        }
        if (removed.isEmpty()) {
            return SendingDecision.accept();
        }
        String note = "\n\n[Removed by the server, over the " + kib(maxAttachment) + " KiB limit for attachments: "
                + String.join(", ", removed) + "]";
        return SendingDecision.accept(message.toBuilder().attachments(kept).body(message.body() + note).build());
    }

    private static long kib(long bytes) {
        return (bytes + 1023) / 1024;
    }
}
