package org.wsemail.plugins.vacation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Element;
import org.wsemail.api.Address;
import org.wsemail.api.MailMessage;
import org.wsemail.api.MessageFlag;
import org.wsemail.api.ProcessingEnvironment;
import org.wsemail.api.plugin.DeliveryDecision;
import org.wsemail.api.plugin.DeliveryProcessor;
import org.wsemail.api.plugin.ExtensionException;
import org.wsemail.api.plugin.ExtensionProcessor;
import org.wsemail.api.plugin.MailContext;
import org.wsemail.api.plugin.PluginStore;
import org.wsemail.api.plugin.PluginXml;
import org.wsemail.api.plugin.SubmissionException;
import org.wsemail.api.plugin.WsemailExtension;
import org.wsemail.api.plugin.WsemailPlugin;

/**
 * The vacation auto-responder. A user sets a message, the time they are back, and how often one
 * sender may be answered, through the {@code vacation} extension:
 * {@code <set><message>...</message><until>2026-12-31T00:00:00Z</until><days>7</days></set>},
 * {@code <get/>}, {@code <clear/>}. Until then, mail to them is delivered as usual and the sender
 * gets the message back, at most once per period, and never when the mail is bulk, from a mailing
 * list or a postmaster, or itself an auto-reply. Its own replies are flagged bulk, so two
 * responders never answer each other.
 *
 * <p>Each user's setting, and whom it answered when, are kept in the plug-in's store (so a restart
 * sends nobody a second answer within a period); a new setting starts afresh. Called concurrently.
 */
@Component(service = {DeliveryProcessor.class, ExtensionProcessor.class}, configurationPid = Vacation.PID)
@WsemailPlugin(name = "vacation")
@WsemailExtension(id = "vacation")
@Designate(ocd = Vacation.Config.class)
public class Vacation implements DeliveryProcessor, ExtensionProcessor {
    static final String PID = "org.wsemail.plugins.vacation";

    @ObjectClassDefinition(name = "WSEmail vacation auto-responder")
    public @interface Config {
        @AttributeDefinition(name = "Days between replies", description = "When a user does not say; 1 to 365")
        int default_days() default 7;

        @AttributeDefinition(name = "Longest message (characters)")
        int max_message_chars() default 4000;
    }

    static final String SUBJECT_PREFIX = "Auto-reply: ";
    /** The store key of a user's setting. */
    static final String SETTING = "setting";
    /** The prefix of the store keys recording when a sender was last answered. */
    static final String ANSWERED = "answered:";
    private static final Set<String> NEVER_ANSWERED = Set.of("postmaster", "mailer-daemon", "noreply", "no-reply",
            "listserv", "majordomo");
    private static final Logger LOG = LoggerFactory.getLogger(Vacation.class);

    /** One user's absence, kept as three lines: until, days, message. */
    record Setting(String message, Instant until, int days) {

        String encode() {
            return until + "\n" + days + "\n" + message;
        }

        static Setting decode(String stored) {
            String[] parts = stored.split("\n", 3);
            return new Setting(parts[2], Instant.parse(parts[0]), Integer.parseInt(parts[1]));
        }
    }

    private final MailContext context;
    private final PluginStore store;
    private final Clock clock;
    private final int defaultDays;
    private final int maxMessage;

    @Activate
    public Vacation(Config config, @Reference MailContext context) {
        this(config, context, Clock.systemUTC());
    }

    Vacation(Config config, MailContext context, Clock clock) {
        this.defaultDays = config.default_days();
        this.maxMessage = Math.min(config.max_message_chars(), PluginStore.MAX_VALUE - 100);
        this.context = context;
        this.store = context.store();
        this.clock = clock;
    }

    @Override
    public Element handle(Element request, ProcessingEnvironment env) throws ExtensionException {
        if (!env.isLocalUser()) {
            throw new ExtensionException(ExtensionException.NOT_AUTHORIZED, "only users of this server can set a vacation reply");
        }
        Address user = env.caller();
        switch (String.valueOf(request.getLocalName())) {
            case "set" -> {
                Setting setting = parse(request);
                forgetAnswers(user);
                store.put(user, SETTING, setting.encode());
            }
            case "clear" -> {
                forgetAnswers(user);
                store.remove(user, SETTING);
            }
            case "get" -> {
                return describe(setting(user).orElse(null));
            }
            default -> throw new ExtensionException(ExtensionException.BAD_REQUEST, "send <set>, <get/> or <clear/>");
        }
        Optional<Setting> now = setting(user);
        LOG.info("Vacation reply of {} {}", user, now.isPresent() ? "set" : "cleared");
        return describe(now.orElse(null));
    }

    private Setting parse(Element request) throws ExtensionException {
        String message = PluginXml.childText(request, "message");
        String until = PluginXml.childText(request, "until");
        String days = PluginXml.childText(request, "days");
        if (message == null || message.isBlank() || message.length() > maxMessage) {
            throw new ExtensionException(ExtensionException.BAD_REQUEST, "give a <message> of 1 to " + maxMessage + " characters");
        }
        Instant end;
        try {
            end = Instant.parse(until == null ? "" : until.trim());
        } catch (DateTimeParseException e) {
            throw new ExtensionException(ExtensionException.BAD_REQUEST, "give <until> as a time, e.g. 2026-12-31T00:00:00Z");
        }
        if (!end.isAfter(clock.instant())) {
            throw new ExtensionException(ExtensionException.BAD_REQUEST, "<until> is in the past");
        }
        int period;
        try {
            period = days == null ? defaultDays : Integer.parseInt(days.trim());
        } catch (NumberFormatException e) {
            period = -1;
        }
        if (period < 1 || period > 365) {
            throw new ExtensionException(ExtensionException.BAD_REQUEST, "<days> must be a whole number from 1 to 365");
        }
        return new Setting(message, end, period);
    }

    private Optional<Setting> setting(Address user) {
        return store.get(user, SETTING).map(Setting::decode);
    }

    private void forgetAnswers(Address user) {
        store.entries(user).keySet().stream().filter(key -> key.startsWith(ANSWERED)).forEach(key -> store.remove(user, key));
    }

    private static Element describe(Setting setting) {
        Element vacation = PluginXml.answer("vacation");
        vacation.setAttribute("active", String.valueOf(setting != null));
        if (setting != null) {
            vacation.setAttribute("until", setting.until().toString());
            vacation.setAttribute("days", String.valueOf(setting.days()));
            vacation.setTextContent(setting.message());
        }
        return vacation;
    }

    @Override
    public DeliveryDecision deliver(MailMessage message, Address recipient, ProcessingEnvironment env) {
        Instant now = clock.instant();
        Setting setting = setting(recipient).orElse(null);
        if (setting == null || !now.isBefore(setting.until()) || !deservesAnswer(message, recipient)) {
            return DeliveryDecision.pass();
        }
        // Deliveries run concurrently: look and mark in one step, so two mails from one sender
        // arriving at once get one answer.
        Duration period = Duration.ofDays(setting.days());
        boolean[] due = {false};
        store.update(recipient, ANSWERED + message.sender().toString().toLowerCase(Locale.ROOT), last -> {
            // The store may call this again if a concurrent change won: the last call is what counts.
            due[0] = last == null || !now.isBefore(Instant.parse(last).plus(period));
            return due[0] ? now.toString() : last;
        });
        if (!due[0]) {
            return DeliveryDecision.pass();
        }
        try {
            context.reply(message, recipient, SUBJECT_PREFIX + message.subject(), setting.message(), Set.of(MessageFlag.BULK));
            LOG.info("Vacation reply from {} to {}", recipient, message.sender());
        } catch (SubmissionException e) {
            LOG.info("The vacation reply of {} to {} was refused by {}: {}", recipient, message.sender(), e.refusedBy(),
                    e.getMessage());
        }
        return DeliveryDecision.pass();
    }

    /** Not bulk, not a list or a postmaster, not an auto-reply, not to oneself. */
    static boolean deservesAnswer(MailMessage message, Address recipient) {
        String local = message.sender().localPart().toLowerCase(Locale.ROOT);
        return !message.sender().equals(recipient)
                && !message.hasFlag(MessageFlag.BULK)
                && !NEVER_ANSWERED.contains(local)
                && !local.startsWith("owner-") && !local.endsWith("-request") && !local.endsWith("-bounces")
                && !message.subject().startsWith(SUBJECT_PREFIX);
    }
}
