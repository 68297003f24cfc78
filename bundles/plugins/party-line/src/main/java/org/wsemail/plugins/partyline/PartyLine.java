package org.wsemail.plugins.partyline;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.X509KeyManager;

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
import org.w3c.dom.Node;
import org.wsemail.api.Address;
import org.wsemail.api.MailMessage;
import org.wsemail.api.MessageFlag;
import org.wsemail.api.ProcessingEnvironment;
import org.wsemail.api.plugin.DeliveryReport;
import org.wsemail.api.plugin.ExtensionException;
import org.wsemail.api.plugin.ExtensionProcessor;
import org.wsemail.api.plugin.MailContext;
import org.wsemail.api.plugin.PluginXml;
import org.wsemail.api.plugin.SubmissionException;
import org.wsemail.api.plugin.WsemailExtension;
import org.wsemail.api.plugin.WsemailPlugin;
import org.wsemail.api.server.TlsCredentials;
import org.wsemail.api.server.TrustedRoots;

/**
 * The secure party line (the paper's section 4.1): at a user's request, a channel on this server's
 * party-line port, secured with TLS and mutual X.509 authentication, and an invitation to each
 * participant, sent as an instant message (and kept in their mailbox) signed by this server as all
 * mail is. The invitation names host, port, channel, expiry and the SHA-256 fingerprint of the
 * server's certificate, so that a participant's client talks to this server alone. Participants
 * connect presenting their user certificate ({@link ChannelServer}); the channel closes when it
 * expires or when everyone has left. Nothing said on it is stored.
 *
 * <p>The {@code party-line} extension: {@code <start expires="S"><member address="..."/>...</start>}
 * (a user of this domain) answers {@code <channel id= host= port= expires= fingerprint=>} with a
 * {@code <delivery>} per invitation; {@code <close channel="ID"/>} (its starter) closes it.
 */
@Component(service = ExtensionProcessor.class, configurationPid = PartyLine.PID)
@WsemailPlugin(name = "party-line")
@WsemailExtension(id = "party-line")
@Designate(ocd = PartyLine.Config.class)
public class PartyLine implements ExtensionProcessor {
    static final String PID = "org.wsemail.plugins.partyline";
    private static final Logger LOG = LoggerFactory.getLogger(PartyLine.class);

    @ObjectClassDefinition(name = "WSEmail party line")
    public @interface Config {
        @AttributeDefinition(name = "Port", description = "Where channels are served, TLS with client certificates")
        int port() default 8449;

        @AttributeDefinition(name = "Listen on", description = "The address to listen on; empty for all")
        String bind() default "";

        @AttributeDefinition(name = "Host in invitations", description = "How participants reach this server; empty: the mail domain")
        String host() default "";

        @AttributeDefinition(name = "Lifetime (s)", description = "How long a channel stays open unless its starter asks for less")
        int max_lifetime_seconds() default 3_600;

        @AttributeDefinition(name = "Channels at once")
        int max_channels() default 100;

        @AttributeDefinition(name = "Members of a channel")
        int max_members() default 20;

        @AttributeDefinition(name = "Longest line (characters)")
        int max_line() default 4_000;
    }

    private final MailContext context;
    private final Clock clock;
    private final Map<String, Channel> channels = new ConcurrentHashMap<>();
    private final ChannelServer server;
    private final String host;
    private final String fingerprint;
    private final Duration maxLifetime;
    private final int maxChannels;
    private final int maxMembers;
    private final ScheduledExecutorService sweeper;

    @Activate
    public PartyLine(Config config, @Reference MailContext context, @Reference TlsCredentials tls, @Reference TrustedRoots roots)
            throws IOException {
        this(config, context, tls, roots, Clock.systemUTC());
    }

    PartyLine(Config config, MailContext context, TlsCredentials tls, TrustedRoots roots, Clock clock) throws IOException {
        this.context = context;
        this.clock = clock;
        this.host = config.host().isBlank() ? context.domain() : config.host().trim();
        this.maxLifetime = Duration.ofSeconds(config.max_lifetime_seconds());
        this.maxChannels = config.max_channels();
        this.maxMembers = config.max_members();
        this.fingerprint = fingerprint(tls);
        InetSocketAddress bind = config.bind().isBlank() ? new InetSocketAddress(config.port())
                : new InetSocketAddress(config.bind().trim(), config.port());
        this.server = new ChannelServer(bind, tls.keyManagers(), roots, channels, clock, config.max_line(),
                config.max_channels() * config.max_members());
        this.sweeper = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "wsemail-party-line-expiry");
            thread.setDaemon(true);
            return thread;
        });
        sweeper.scheduleWithFixedDelay(this::closeExpired, 1, 1, TimeUnit.SECONDS);
        LOG.info("Party lines served on port {}, invitations name {}", server.port(), host);
    }

    @Deactivate
    void deactivate() {
        sweeper.shutdownNow();
        server.close();
    }

    int port() {
        return server.port();
    }

    @Override
    public Element handle(Element request, ProcessingEnvironment env) throws ExtensionException {
        if (!env.isLocalUser()) {
            throw new ExtensionException(ExtensionException.NOT_AUTHORIZED, "only users of " + context.domain() + " start party lines here");
        }
        return switch (String.valueOf(request.getLocalName())) {
            case "start" -> start(request, env);
            case "close" -> close(request, env.caller());
            default -> throw new ExtensionException(ExtensionException.BAD_REQUEST,
                    "send <start expires=\"S\"><member address=\"...\"/>...</start> or <close channel=\"ID\"/>");
        };
    }

    private Element start(Element request, ProcessingEnvironment env) throws ExtensionException {
        Address starter = env.caller();
        Set<Address> members = new LinkedHashSet<>();
        members.add(starter);
        try {
            for (Node node = request.getFirstChild(); node != null; node = node.getNextSibling()) {
                if (node instanceof Element member && "member".equals(member.getLocalName())) {
                    members.add(Address.parse(member.getAttribute("address").trim()));
                }
            }
        } catch (IllegalArgumentException e) {
            throw new ExtensionException(ExtensionException.BAD_REQUEST, e.getMessage());
        }
        if (members.size() < 2 || members.size() > maxMembers) {
            throw new ExtensionException(ExtensionException.BAD_REQUEST, "a party line has 2 to " + maxMembers + " members, you included");
        }
        if (channels.size() >= maxChannels) {
            throw new ExtensionException(ExtensionException.EXTENSION_FAILED, "this server has " + maxChannels
                    + " party lines open already; try again later");
        }
        Duration lifetime = lifetime(request.getAttribute("expires"));
        Instant expires = clock.instant().plus(lifetime).truncatedTo(ChronoUnit.SECONDS);
        Channel channel = new Channel(UUID.randomUUID().toString().replace("-", "").substring(0, 16), starter, members, expires);
        channels.put(channel.id, channel);
        List<Address> guests = members.stream().filter(m -> !m.equals(starter)).toList();
        MailMessage invitation = MailMessage.builder().sender(starter).recipients(guests)
                .subject("Party line with " + String.join(", ", members.stream().map(Address::toString).toList()))
                .body(invitationText(channel)).flags(EnumSet.of(MessageFlag.INSTANT_MESSAGE, MessageFlag.DIRECT_CONNECT_INVITATION))
                .build();
        List<DeliveryReport> reports;
        try {
            reports = context.submitNow(invitation, env);
        } catch (SubmissionException e) {
            server.close(channel, "the invitation was not sent");
            throw new ExtensionException(ExtensionException.NOT_AUTHORIZED, e.getMessage());
        }
        LOG.info("{} started party line {} with {} until {}", starter, channel.id, guests, expires);
        Element answer = PluginXml.answer("channel");
        answer.setAttribute("id", channel.id);
        answer.setAttribute("host", host);
        answer.setAttribute("port", String.valueOf(server.port()));
        answer.setAttribute("expires", expires.toString());
        answer.setAttribute("fingerprint", fingerprint);
        for (DeliveryReport report : reports) {
            Element delivery = PluginXml.add(answer, "delivery", report.detail());
            delivery.setAttribute("recipient", report.recipient().toString());
            delivery.setAttribute("outcome", report.outcome().name());
        }
        return answer;
    }

    /** The invitation's body: one {@code key: value} a line, which a client reads back. */
    private String invitationText(Channel channel) {
        return String.join("\n",
                "PARTY-LINE INVITATION",
                "channel: " + channel.id,
                "host: " + host,
                "port: " + server.port(),
                "expires: " + channel.expires,
                "fingerprint: " + fingerprint,
                "members: " + String.join(", ", channel.invited.stream().map(Address::toString).sorted().toList()),
                "",
                "Join with: wsemail --certificate <your certificate> party join " + channel.id);
    }

    private Element close(Element request, Address caller) throws ExtensionException {
        Channel channel = channels.get(request.getAttribute("channel"));
        if (channel == null || !channel.host.equals(caller)) {
            throw new ExtensionException(ExtensionException.NOT_AUTHORIZED, "you started no open channel " + request.getAttribute("channel"));
        }
        server.close(channel, "the channel was closed by " + caller);
        Element answer = PluginXml.answer("closed");
        answer.setAttribute("channel", channel.id);
        return answer;
    }

    private void closeExpired() {
        Instant now = clock.instant();
        for (Channel channel : List.copyOf(channels.values())) {
            if (!now.isBefore(channel.expires)) {
                server.close(channel, "the channel expired");
            }
        }
    }

    private Duration lifetime(String given) throws ExtensionException {
        if (given == null || given.isEmpty()) {
            return maxLifetime;
        }
        try {
            Duration asked = Duration.ofSeconds(Long.parseLong(given));
            if (asked.isNegative() || asked.isZero()) {
                throw new NumberFormatException();
            }
            return asked.compareTo(maxLifetime) > 0 ? maxLifetime : asked;
        } catch (NumberFormatException e) {
            throw new ExtensionException(ExtensionException.BAD_REQUEST, "'" + given + "' is not a number of seconds");
        }
    }

    /** The SHA-256 fingerprint of the certificate this server presents on the channel port. */
    private static String fingerprint(TlsCredentials tls) {
        X509KeyManager keys = (X509KeyManager) tls.keyManagers()[0];
        String alias = keys.chooseServerAlias("RSA", null, null);
        if (alias == null) {
            alias = keys.chooseServerAlias("EC", null, null);
        }
        X509Certificate[] chain = alias == null ? null : keys.getCertificateChain(alias);
        if (chain == null || chain.length == 0) {
            throw new IllegalStateException("this server has no TLS certificate to serve party lines with");
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(chain[0].getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
