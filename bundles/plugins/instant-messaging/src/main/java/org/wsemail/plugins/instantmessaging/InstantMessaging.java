package org.wsemail.plugins.instantmessaging;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
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
import org.wsemail.api.plugin.DeliveryReport;
import org.wsemail.api.plugin.ExtensionException;
import org.wsemail.api.plugin.ExtensionProcessor;
import org.wsemail.api.plugin.MailContext;
import org.wsemail.api.plugin.PluginXml;
import org.wsemail.api.plugin.SubmissionException;
import org.wsemail.api.plugin.WsemailExtension;
import org.wsemail.api.plugin.WsemailPlugin;

/**
 * Instant messaging (the paper's section 4.1): a message flagged {@link MessageFlag#INSTANT_MESSAGE}
 * is handed to the recipient's running clients instead of the mailbox, signed by its server as
 * all mail is.
 *
 * <p>Delivery: if the sender may message the recipient live ({@link AccessLists}), each of the
 * recipient's current clients gets it, pushed to the client's own HTTPS endpoint or, when it has
 * none or it cannot be reached, handed over at its next poll. Taken by at least one client, the
 * message is consumed ("delivered live"); by none, it goes to the mailbox, or is dropped when the
 * sender flagged {@link MessageFlag#DELETE_IF_UNDELIVERABLE}. An invitation to a party line
 * ({@link MessageFlag#DIRECT_CONNECT_INVITATION}) is pushed and also kept in the mailbox, where
 * {@code party join} finds it. A sender who may not message the recipient live gets the mailbox,
 * or a refusal when {@code refused.senders = refuse}.
 *
 * <p>The {@code instant-messaging} extension (every request authenticated as usual):
 * <ul>
 * <li>{@code <register expires="S" [client="ID"]>[<push url="https://..." fingerprint="HEX"/>]</register>}
 *     registers (or renews) a running client of the caller: {@code <registered client="ID" expires="..."/>};
 * <li>{@code <unregister client="ID"/>};
 * <li>{@code <poll client="ID" wait="S"/>} waits up to S seconds for messages:
 *     {@code <messages><message>SIGNED XML</message>...</messages>};
 * <li>{@code <send to="ADDRESS,..." [drop-if-offline="true"]>TEXT</send>} sends an instant message at
 *     once and says what became of it for each recipient: {@code <sent id="..."><delivery
 *     recipient="..." outcome="STORED|CONSUMED|REFUSED|PENDING">detail</delivery>...</sent>}; a visitor
 *     (with another domain's token) may send to this domain's users;
 * <li>{@code <access [mode="everyone|contacts|list"]/>}, {@code <allow address="..."/>},
 *     {@code <deny address="..."/>} read and change who may message the caller live.
 * </ul>
 */
@Component(service = {DeliveryProcessor.class, ExtensionProcessor.class}, configurationPid = InstantMessaging.PID)
@WsemailPlugin(name = "instant-messaging")
@WsemailExtension(id = "instant-messaging")
@Designate(ocd = InstantMessaging.Config.class)
public class InstantMessaging implements DeliveryProcessor, ExtensionProcessor {
    static final String PID = "org.wsemail.plugins.instantmessaging";
    private static final Logger LOG = LoggerFactory.getLogger(InstantMessaging.class);
    private static final int MAX_TEXT = 64 * 1024;

    @ObjectClassDefinition(name = "WSEmail instant messaging")
    public @interface Config {
        @AttributeDefinition(name = "Default access", description = "Whom users take instant messages from until they say: everyone, contacts or list")
        String default_access() default "everyone";

        @AttributeDefinition(name = "Senders not allowed", description = "What becomes of their instant messages: mailbox or refuse")
        String refused_senders() default "mailbox";

        @AttributeDefinition(name = "Registration lifetime limit (s)", description = "The longest expiry a client may ask for")
        int max_registration_seconds() default 600;

        @AttributeDefinition(name = "Clients per user")
        int max_clients_per_user() default 8;

        @AttributeDefinition(name = "Clients in all")
        int max_clients() default 10_000;

        @AttributeDefinition(name = "Longest poll (s)")
        int max_poll_seconds() default 30;

        @AttributeDefinition(name = "Polls waiting at once", description = "Beyond, a poll is answered at once with what is there")
        int max_waiting_polls() default 500;

        @AttributeDefinition(name = "Wait for a polling client (ms)",
                description = "How long a message waits for a client's next poll before it counts as not delivered live")
        int handover_wait_ms() default 3_000;

        @AttributeDefinition(name = "Push time limit (ms)")
        int push_timeout_ms() default 3_000;

        @AttributeDefinition(name = "Allow internal push endpoints",
                description = "Push to loopback, private and link-local addresses: only where the clients are on the server's own networks")
        boolean allow_private_targets() default false;
    }

    private final MailContext context;
    private final AccessLists access;
    private final Presence presence;
    private final boolean refuseOthers;
    private final Duration maxRegistration;
    private final Duration maxPoll;
    private final Duration handoverWait;
    private final Duration pushTimeout;
    private final boolean allowInternal;
    private final PushTarget.Pusher pusher;
    private final Semaphore polls;
    private final Clock clock;
    /** Reaches the several clients of one recipient at once. */
    private final ExecutorService fanOut;

    @Activate
    public InstantMessaging(Config config, @Reference MailContext context) {
        this(config, context, Clock.systemUTC());
    }

    InstantMessaging(Config config, MailContext context, Clock clock) {
        this.context = context;
        this.clock = clock;
        this.access = new AccessLists(context.store(), AccessLists.Mode.parse(config.default_access()));
        this.presence = new Presence(clock, config.max_clients_per_user(), config.max_clients());
        if (!List.of("mailbox", "refuse").contains(config.refused_senders())) {
            throw new IllegalArgumentException("refused.senders is mailbox or refuse, not '" + config.refused_senders() + "'");
        }
        this.refuseOthers = "refuse".equals(config.refused_senders());
        this.maxRegistration = Duration.ofSeconds(config.max_registration_seconds());
        this.maxPoll = Duration.ofSeconds(config.max_poll_seconds());
        this.handoverWait = Duration.ofMillis(config.handover_wait_ms());
        this.pushTimeout = Duration.ofMillis(config.push_timeout_ms());
        this.allowInternal = config.allow_private_targets();
        this.pusher = new PushTarget.Pusher(pushTimeout);
        this.polls = new Semaphore(config.max_waiting_polls());
        AtomicInteger threads = new AtomicInteger();
        this.fanOut = Executors.newFixedThreadPool(16, task -> {
            Thread thread = new Thread(task, "wsemail-im-push-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Deactivate
    void deactivate() {
        fanOut.shutdownNow();
        presence.clear();
    }

    @Override
    public DeliveryDecision deliver(MailMessage message, Address recipient, ProcessingEnvironment env) {
        if (!message.flags().contains(MessageFlag.INSTANT_MESSAGE)) {
            return DeliveryDecision.pass();
        }
        if (!access.mayMessage(recipient, message.sender())) {
            LOG.info("Instant message {} from {} not delivered live: {} does not take them from that sender", message.messageId(),
                    message.sender(), recipient);
            return refuseOthers
                    ? DeliveryDecision.refuse(recipient + " does not take instant messages from " + message.sender())
                    : DeliveryDecision.pass();
        }
        String signed = env.signedMessage().orElse(null);
        if (signed == null) {
            LOG.warn("Instant message {} for {} came without its signed form; it goes to the mailbox", message.messageId(), recipient);
            return DeliveryDecision.pass();
        }
        int live = reachAll(presence.of(recipient), signed);
        boolean invitation = message.flags().contains(MessageFlag.DIRECT_CONNECT_INVITATION);
        if (live > 0) {
            LOG.info("Instant message {} from {} delivered live to {} client(s) of {}", message.messageId(), message.sender(), live,
                    recipient);
            return invitation ? DeliveryDecision.pass() : DeliveryDecision.consume("delivered live to " + live + " client(s)");
        }
        if (message.flags().contains(MessageFlag.DELETE_IF_UNDELIVERABLE) && !invitation) {
            LOG.info("Instant message {} from {} dropped: {} is not online", message.messageId(), message.sender(), recipient);
            return DeliveryDecision.consume("dropped: " + recipient + " is not online");
        }
        return DeliveryDecision.pass();
    }

    /** Reaches the clients, several at once; how many got the message. */
    private int reachAll(List<Presence.Client> clients, String signed) {
        if (clients.size() == 1) {
            return reach(clients.get(0), signed) ? 1 : 0;
        }
        List<Future<Boolean>> attempts = new ArrayList<>();
        for (Presence.Client client : clients) {
            attempts.add(fanOut.submit(() -> reach(client, signed)));
        }
        int live = 0;
        for (Future<Boolean> attempt : attempts) {
            try {
                if (attempt.get()) {
                    live++;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return live;
            } catch (ExecutionException e) {
                LOG.warn("Reaching a client failed: {}", e.getCause().toString());
            }
        }
        return live;
    }

    /** Pushes to the client or, failing that, hands over at its next poll; true if it got the message. */
    private boolean reach(Presence.Client client, String signed) {
        if (client.push != null) {
            try {
                client.push.push(signed, pushTimeout);
                return true;
            } catch (IOException e) {
                LOG.info("Cannot push to {} of {} ({}); waiting for its poll instead", client.push.url(), client.user, e.getMessage());
            }
        }
        try {
            return client.handOver(signed, handoverWait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public Element handle(Element request, ProcessingEnvironment env) throws ExtensionException {
        String operation = String.valueOf(request.getLocalName());
        if ("send".equals(operation)) {
            return send(request, env);
        }
        if (!env.isLocalUser()) {
            throw new ExtensionException(ExtensionException.NOT_AUTHORIZED, "only users of " + context.domain()
                    + " have a presence here; a visitor may only send");
        }
        Address user = env.caller();
        try {
            return switch (operation) {
                case "register" -> register(user, request);
                case "unregister" -> unregister(user, request);
                case "poll" -> poll(user, request);
                case "access" -> access(user, request);
                case "allow" -> {
                    access.allow(user, address(request.getAttribute("address")));
                    yield accessAnswer(user);
                }
                case "deny" -> {
                    access.deny(user, address(request.getAttribute("address")));
                    yield accessAnswer(user);
                }
                default -> throw new ExtensionException(ExtensionException.BAD_REQUEST, "send <register/>, <unregister/>, <poll/>,"
                        + " <send/>, <access/>, <allow/> or <deny/>");
            };
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ExtensionException(ExtensionException.BAD_REQUEST, e.getMessage());
        }
    }

    private Element register(Address user, Element request) throws ExtensionException {
        Duration lifetime = seconds(request.getAttribute("expires"), Duration.ofSeconds(120), maxRegistration);
        Element pushRequest = PluginXml.child(request, "push");
        PushTarget push = pushRequest == null ? null
                : PushTarget.parse(pushRequest.getAttribute("url"), pushRequest.getAttribute("fingerprint"), allowInternal, pusher);
        String renewing = request.getAttribute("client");
        Presence.Client client = presence.register(user, renewing.isEmpty() ? null : renewing, push, lifetime);
        if (!client.id.equals(renewing)) {
            LOG.info("Client {} of {} registered{}", client.id, user, push == null ? ", polling" : ", push to " + push.url());
        }
        Element answer = PluginXml.answer("registered");
        answer.setAttribute("client", client.id);
        answer.setAttribute("expires", client.expires().toString());
        return answer;
    }

    private Element unregister(Address user, Element request) {
        boolean removed = presence.unregister(user, request.getAttribute("client"));
        if (removed) {
            LOG.info("Client {} of {} unregistered", request.getAttribute("client"), user);
        }
        Element answer = PluginXml.answer("unregistered");
        answer.setAttribute("known", String.valueOf(removed));
        return answer;
    }

    private Element poll(Address user, Element request) throws ExtensionException {
        Presence.Client client = presence.client(user, request.getAttribute("client"));
        if (client == null) {
            throw new ExtensionException(ExtensionException.BAD_REQUEST, "no registered client " + request.getAttribute("client")
                    + " of " + user + "; register (again) first");
        }
        client.renew(clock.instant());
        Duration wait = seconds(request.getAttribute("wait"), Duration.ZERO, maxPoll);
        boolean waiting = polls.tryAcquire();
        List<String> messages;
        try {
            messages = client.take(waiting ? wait : Duration.ZERO);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            messages = List.of();
        } finally {
            if (waiting) {
                polls.release();
            }
        }
        Element answer = PluginXml.answer("messages");
        for (String signed : messages) {
            PluginXml.add(answer, "message", signed);
        }
        return answer;
    }

    private Element send(Element request, ProcessingEnvironment env) throws ExtensionException {
        List<Address> to = new ArrayList<>();
        try {
            for (String address : request.getAttribute("to").split(",")) {
                if (!address.isBlank()) {
                    to.add(Address.parse(address.trim()));
                }
            }
        } catch (IllegalArgumentException e) {
            throw new ExtensionException(ExtensionException.BAD_REQUEST, e.getMessage());
        }
        String text = request.getTextContent();
        if (to.isEmpty() || text == null || text.isBlank() || text.length() > MAX_TEXT) {
            throw new ExtensionException(ExtensionException.BAD_REQUEST, "send <send to=\"ADDRESS,...\">TEXT</send>, with 1 to "
                    + MAX_TEXT + " characters of text");
        }
        Set<MessageFlag> flags = EnumSet.of(MessageFlag.INSTANT_MESSAGE);
        if (Boolean.parseBoolean(request.getAttribute("drop-if-offline"))) {
            flags.add(MessageFlag.DELETE_IF_UNDELIVERABLE);
        }
        MailMessage message = MailMessage.builder().sender(env.caller()).recipients(to).subject(subject(text)).body(text)
                .flags(flags).build();
        List<DeliveryReport> reports;
        try {
            reports = context.submitNow(message, env);
        } catch (SubmissionException e) {
            throw new ExtensionException(ExtensionException.NOT_AUTHORIZED, e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new ExtensionException(ExtensionException.NOT_AUTHORIZED, e.getMessage());
        }
        Element answer = PluginXml.answer("sent");
        for (DeliveryReport report : reports) {
            Element delivery = PluginXml.add(answer, "delivery", report.detail());
            delivery.setAttribute("recipient", report.recipient().toString());
            delivery.setAttribute("outcome", report.outcome().name());
        }
        return answer;
    }

    private Element access(Address user, Element request) {
        if (!request.getAttribute("mode").isEmpty()) {
            access.setMode(user, AccessLists.Mode.parse(request.getAttribute("mode")));
            LOG.info("{} takes instant messages from {} now", user, request.getAttribute("mode"));
        }
        return accessAnswer(user);
    }

    private Element accessAnswer(Address user) {
        Element answer = PluginXml.answer("access");
        answer.setAttribute("mode", access.mode(user).word());
        access.allowed(user).forEach(address -> PluginXml.add(answer, "allowed").setAttribute("address", address));
        access.blocked(user).forEach(address -> PluginXml.add(answer, "blocked").setAttribute("address", address));
        return answer;
    }

    private static Address address(String text) {
        return Address.parse(text.trim());
    }

    /** The first line of the text, cut short: the subject mail readers show for an instant message. */
    private static String subject(String text) {
        String line = text.strip().lines().findFirst().orElse("");
        return line.length() > 60 ? line.substring(0, 57) + "..." : line;
    }

    private static Duration seconds(String given, Duration standard, Duration most) throws ExtensionException {
        if (given == null || given.isEmpty()) {
            return standard.compareTo(most) > 0 ? most : standard;
        }
        try {
            long seconds = Long.parseLong(given);
            if (seconds < 0) {
                throw new NumberFormatException();
            }
            Duration asked = Duration.ofSeconds(seconds);
            return asked.compareTo(most) > 0 ? most : asked;
        } catch (NumberFormatException e) {
            throw new ExtensionException(ExtensionException.BAD_REQUEST, "'" + given + "' is not a number of seconds");
        }
    }
}
