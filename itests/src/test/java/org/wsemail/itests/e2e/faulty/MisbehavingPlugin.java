package org.wsemail.itests.e2e.faulty;

import org.wsemail.api.MailMessage;
import org.wsemail.api.ProcessingEnvironment;
import org.wsemail.api.plugin.SendingDecision;
import org.wsemail.api.plugin.SendingProcessor;

/**
 * A sending plug-in that misbehaves on purpose, for the fault tests: it throws for a message whose
 * subject holds {@code [throw]} and hangs (a minute) for one whose subject holds {@code [hang]};
 * other messages pass. Packed into a bundle by {@link PluginJar} and installed into a real server.
 */
public class MisbehavingPlugin implements SendingProcessor {
    @Override
    public SendingDecision process(MailMessage message, ProcessingEnvironment env) {
        if (message.subject().contains("[throw]")) {
            throw new IllegalStateException("this plug-in fails on purpose");
        }
        if (message.subject().contains("[hang]")) {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return SendingDecision.accept();
    }
}
