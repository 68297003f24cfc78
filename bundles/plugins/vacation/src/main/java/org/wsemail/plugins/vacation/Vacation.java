package org.wsemail.plugins.vacation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.wsemail.api.Address;
import org.wsemail.api.MailMessage;
import org.wsemail.api.MessageFlag;
import org.wsemail.api.ProcessingEnvironment;
import org.wsemail.api.plugin.DeliveryDecision;
import org.wsemail.api.plugin.DeliveryProcessor;
import org.wsemail.api.plugin.ExtensionException;
import org.wsemail.api.plugin.ExtensionProcessor;
import org.wsemail.api.plugin.WsemailExtension;
import org.wsemail.api.plugin.WsemailPlugin;
import org.wsemail.api.server.MailQueue;
import org.wsemail.api.server.MessageSigner;

/**
 * The vacation auto-responder. A user sets a message, the time they are back, and how often one
 * sender may be answered, through the {@code vacation} extension:
 * {@code <set><message>...</message><until>2026-12-31T00:00:00Z</until><days>7</days></set>},
 * {@code <get/>}, {@code <clear/>}. Until then, mail to them is delivered as usual and the sender
 * gets the message back, at most once per period, and never when the mail is bulk, from a mailing
 * list or a postmaster, or itself an auto-reply. Its own replies are flagged bulk, so two
 * responders never answer each other.
 *
 * <p>Settings are kept through Configuration Admin; whom it answered when is kept in memory.
 * Called concurrently.
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

    static final String SETTINGS_PID = "org.wsemail.plugins.vacation.settings";
    static final String SUBJECT_PREFIX = "Auto-reply: ";
    private static final Set<String> NEVER_ANSWERED = Set.of("postmaster", "mailer-daemon", "noreply", "no-reply",
            "listserv", "majordomo");
    private static final Logger LOG = LoggerFactory.getLogger(Vacation.class);

    /** One user's absence. */
    record Setting(String message, Instant until, int days) {
    }

    private final ConfigurationAdmin configurationAdmin;
    private final MailQueue queue;
    private final MessageSigner signer;
    private final Clock clock;
    private final Map<Address, Setting> settings = new ConcurrentHashMap<>();
    private final Map<String, Instant> answered = new ConcurrentHashMap<>();

    private final int defaultDays;
    private final int maxMessage;

    @Activate
    public Vacation(Config config, @Reference ConfigurationAdmin configurationAdmin, @Reference MailQueue queue,
            @Reference MessageSigner signer) {
        this(config, configurationAdmin, queue, signer, Clock.systemUTC());
    }

    Vacation(Config config, ConfigurationAdmin configurationAdmin, MailQueue queue, MessageSigner signer, Clock clock) {
        this.defaultDays = config.default_days();
        this.maxMessage = config.max_message_chars();
        this.configurationAdmin = configurationAdmin;
        this.queue = queue;
        this.signer = signer;
        this.clock = clock;
        load();
    }

    @Override
    public Element handle(Element request, ProcessingEnvironment env) throws ExtensionException {
        if (!env.isLocalUser()) {
            throw new ExtensionException(ExtensionException.NOT_AUTHORIZED, "only users of this server can set a vacation reply");
        }
        Address user = env.caller();
        switch (String.valueOf(request.getLocalName())) {
            case "set" -> settings.put(user, parse(request));
            case "clear" -> settings.remove(user);
            case "get" -> {
                return describe(settings.get(user));
            }
            default -> throw new ExtensionException(ExtensionException.BAD_REQUEST, "send <set>, <get/> or <clear/>");
        }
        save();
        LOG.info("Vacation reply of {} {}", user, settings.containsKey(user) ? "set" : "cleared");
        return describe(settings.get(user));
    }

    private Setting parse(Element request) throws ExtensionException {
        String message = child(request, "message");
        String until = child(request, "until");
        String days = child(request, "days");
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

    private static String child(Element parent, String name) {
        for (org.w3c.dom.Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && name.equals(element.getLocalName())) {
                return element.getTextContent();
            }
        }
        return null;
    }

    private static Element describe(Setting setting) {
        try {
            Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder().newDocument();
            Element vacation = document.createElementNS(null, "vacation");
            vacation.setAttribute("active", String.valueOf(setting != null));
            if (setting != null) {
                vacation.setAttribute("until", setting.until().toString());
                vacation.setAttribute("days", String.valueOf(setting.days()));
                vacation.setTextContent(setting.message());
            }
            document.appendChild(vacation);
            return vacation;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public DeliveryDecision deliver(MailMessage message, Address recipient, ProcessingEnvironment env) {
        Setting setting = settings.get(recipient);
        Instant now = clock.instant();
        if (setting == null || !now.isBefore(setting.until()) || !deservesAnswer(message, recipient)) {
            return DeliveryDecision.pass();
        }
        // Deliveries run concurrently: look and mark in one step, so two mails from one sender
        // arriving at once get one answer.
        Duration period = Duration.ofDays(setting.days());
        boolean[] due = {false};
        answered.compute(recipient + "|" + message.sender(), (key, last) -> {
            if (last != null && now.isBefore(last.plus(period))) {
                return last;
            }
            due[0] = true;
            return now;
        });
        if (!due[0]) {
            return DeliveryDecision.pass();
        }
        MailMessage reply = MailMessage.builder()
                .messageId("vacation-" + UUID.randomUUID() + "@" + recipient.domain())
                .sender(recipient)
                .recipient(message.sender())
                .subject(SUBJECT_PREFIX + message.subject())
                .body(setting.message())
                .flag(MessageFlag.BULK)
                .timestamp(now)
                .build();
        queue.enqueue(reply, signer.sign(reply));
        LOG.info("Vacation reply from {} to {}", recipient, message.sender());
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

    private void load() {
        Dictionary<String, Object> stored = configuration().getProperties();
        if (stored == null) {
            return;
        }
        for (String key : Collections.list(stored.keys())) {
            if (key.endsWith(".message")) {
                String user = key.substring(0, key.length() - ".message".length());
                try {
                    settings.put(Address.parse(user), new Setting(String.valueOf(stored.get(key)),
                            Instant.parse(String.valueOf(stored.get(user + ".until"))),
                            Integer.parseInt(String.valueOf(stored.get(user + ".days")))));
                } catch (RuntimeException e) {
                    LOG.warn("Ignoring the stored vacation reply of {}: {}", user, e.getMessage());
                }
            }
        }
    }

    private void save() {
        Hashtable<String, Object> props = new Hashtable<>();
        settings.forEach((user, setting) -> {
            props.put(user + ".message", setting.message());
            props.put(user + ".until", setting.until().toString());
            props.put(user + ".days", String.valueOf(setting.days()));
        });
        try {
            configuration().update(props);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store vacation settings", e);
        }
    }

    private Configuration configuration() {
        try {
            return configurationAdmin.getConfiguration(SETTINGS_PID, "?");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read vacation settings", e);
        }
    }
}
