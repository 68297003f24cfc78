package org.wsemail.smtpgateway.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Clock;
import java.util.Base64;
import java.util.List;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509KeyManager;

import jakarta.mail.MessagingException;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.server.SMTPServer;
import org.wsemail.api.Address;
import org.wsemail.api.server.DeliveryResult;
import org.wsemail.api.server.DeliveryResult.Status;
import org.wsemail.api.server.DomainResolver;
import org.wsemail.api.server.DomainResolver.ServerEndpoint;
import org.wsemail.api.server.InternetMail;
import org.wsemail.api.server.MailDomain;
import org.wsemail.api.server.MailQueue;
import org.wsemail.api.server.SignedMail;
import org.wsemail.api.server.TlsCredentials;
import org.wsemail.api.server.UserDirectory;

/**
 * The SMTP gateway: a WSEmail domain's door to Internet mail. Inbound, an SMTP listener (SubEthaSMTP)
 * with STARTTLS on the server's certificate takes mail for this domain's users only and queues it as
 * a WSEmail message flagged {@link org.wsemail.api.MessageFlag#LEGACY_MAIL}, signed by this server as
 * the gateway, to run through the delivery chain like any message. Outbound, it is the queue's
 * {@link InternetMail}: mail for a domain without WSEmail servers goes to the domain's MX servers
 * over SMTP (STARTTLS when offered), DKIM-signed with this domain's key; retries, backoff and bounces
 * are the queue's. Settings in {@code etc/org.wsemail.smtp.cfg}; a new configuration restarts the
 * listener. Thread-safe.
 */
@Component(service = {InternetMail.class, SmtpGateway.class}, configurationPid = SmtpGateway.PID)
@Designate(ocd = SmtpGateway.Config.class)
public class SmtpGateway implements InternetMail {
    static final String PID = "org.wsemail.smtp";

    private static final Logger LOG = LoggerFactory.getLogger(SmtpGateway.class);

    @ObjectClassDefinition(name = "WSEmail SMTP gateway", description = "Internet mail in and out of this domain.")
    public @interface Config {
        @AttributeDefinition(name = "Port", description = "The SMTP listener's port (25 for the Internet; it needs the right to bind it)")
        int port() default 2525;

        @AttributeDefinition(name = "Listen address", required = false, description = "Empty listens on every address")
        String bind_address() default "";

        @AttributeDefinition(name = "Host name", required = false,
                description = "The name given in the greeting and in EHLO; empty: mail.<domain>")
        String host_name() default "";

        @AttributeDefinition(name = "Largest message (bytes)")
        int max_message_bytes() default 10 * 1024 * 1024;

        @AttributeDefinition(name = "Most recipients per message")
        int max_recipients() default 100;

        @AttributeDefinition(name = "Most connections at once")
        int max_connections() default 100;

        @AttributeDefinition(name = "Require STARTTLS from senders")
        boolean require_tls() default false;

        @AttributeDefinition(name = "Require STARTTLS from the servers mail is sent to")
        boolean outbound_require_tls() default false;

        @AttributeDefinition(name = "Outbound port", description = "0 connects to the MX servers' port 25; another port for test beds")
        int outbound_port() default 0;

        @AttributeDefinition(name = "Time limit of a connection step (ms)")
        int timeout_ms() default 60_000;

        @AttributeDefinition(name = "DKIM selector", description = "Outgoing mail is signed under <selector>._domainkey.<domain>")
        String dkim_selector() default "wsemail";
    }

    private final String domain;
    private final String hostName;
    private final DomainResolver resolver;
    private final TlsCredentials tls;
    private final Config config;
    private final GatewayActivity activity = new GatewayActivity(Clock.systemUTC());
    private final SmtpSender sender;
    private final SMTPServer listener;

    @Activate
    public SmtpGateway(Config config, @Reference MailDomain mailDomain, @Reference UserDirectory users,
            @Reference MailQueue queue, @Reference DomainResolver resolver, @Reference TlsCredentials tls) {
        this.config = config;
        this.domain = mailDomain.name();
        this.hostName = config.host_name().isBlank() ? "mail." + domain : config.host_name().trim();
        this.resolver = resolver;
        this.tls = tls;
        if (config.max_message_bytes() < 1024 || config.max_recipients() < 1) {
            throw new IllegalArgumentException("max.message.bytes must be at least 1024 and max.recipients at least 1");
        }
        this.sender = new SmtpSender(hostName, config.outbound_require_tls(), config.timeout_ms(), config.outbound_port());
        SpfCheck spf = new SpfCheck(resolver);
        DkimCheck dkim = new DkimCheck(resolver);
        Clock clock = Clock.systemUTC();
        SMTPServer.Builder builder = SMTPServer.port(config.port())
                .hostName(hostName)
                .softwareName("WSEmail SMTP gateway")
                .messageHandlerFactory(session -> new InboundTransaction(session, domain, users, queue, spf, dkim,
                        config.max_message_bytes(), clock, activity))
                .maxMessageSize(config.max_message_bytes())
                .maxRecipients(config.max_recipients())
                .maxConnections(config.max_connections())
                .connectionTimeoutMs(config.timeout_ms())
                .enableTLS()
                .requireTLS(config.require_tls())
                .startTlsSocketFactory(serverTls(tls));
        if (!config.bind_address().isBlank()) {
            builder.bindAddress(address(config.bind_address().trim()));
        }
        this.listener = builder.build();
        listener.start();
        LOG.info("SMTP gateway for {} listening on port {} as {}", domain, listener.getPortAllocated(), hostName);
    }

    private static SSLContext serverTls(TlsCredentials tls) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(tls.keyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up STARTTLS with the server's certificate: " + e.getMessage(), e);
        }
    }

    private static InetAddress address(String address) {
        try {
            return InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("bind.address: unknown address " + address, e);
        }
    }

    @Deactivate
    void deactivate() {
        listener.stop();
        LOG.info("SMTP gateway for {} stopped", domain);
    }

    @Override
    public List<DeliveryResult> deliver(String toDomain, SignedMail mail, List<Address> recipients) {
        List<ServerEndpoint> exchangers;
        try {
            exchangers = resolver.mailExchangers(toDomain);
        } catch (java.io.UncheckedIOException e) {
            return all(recipients, Status.FAILED, e.getMessage());
        } catch (IllegalStateException | IllegalArgumentException e) {
            return all(recipients, Status.UNKNOWN_RECIPIENT, e.getMessage());
        }
        if (exchangers.isEmpty()) {
            return all(recipients, Status.UNKNOWN_RECIPIENT, toDomain + " publishes neither a WSEmail server nor a mail server"
                    + " that takes mail (no _wsemail._tcp SRV record, no MX record)");
        }
        byte[] message;
        try {
            message = InternetMessages.dkimSigned(InternetMessages.toMime(mail.message(), recipients, domain), domain,
                    config.dkim_selector(), dkimKey().privateKey());
        } catch (IllegalArgumentException e) {
            return all(recipients, Status.UNKNOWN_RECIPIENT, "cannot be sent as Internet mail: " + e.getMessage());
        }
        String failure = "no mail server of " + toDomain + " answered";
        for (ServerEndpoint exchanger : exchangers) {
            try {
                SmtpSender.Outcome outcome = sender.send(exchanger, mail.message().sender().toString(), recipients, message);
                activity.sent(mail.messageId(), toDomain, outcome.server(), outcome.results());
                return outcome.results();
            } catch (MessagingException e) {
                failure = exchanger.host() + ": " + describe(e);
                LOG.info("SMTP delivery of {} to {} failed: {}", mail.messageId(), toDomain, failure);
            }
        }
        List<DeliveryResult> results = all(recipients, Status.FAILED, failure);
        activity.sent(mail.messageId(), toDomain, "-", results);
        return results;
    }

    private static String describe(MessagingException e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e.getNextException();
        return cause == null || cause == e ? e.getMessage() : e.getMessage() + " (" + cause.getMessage() + ")";
    }

    private static List<DeliveryResult> all(List<Address> recipients, Status status, String detail) {
        return recipients.stream().map(r -> new DeliveryResult(r, status, detail)).toList();
    }

    /** The domain's key pair, as its TLS certificate carries it: the key outgoing mail is DKIM-signed with. */
    record DkimKey(PrivateKey privateKey, PublicKey publicKey) {
    }

    DkimKey dkimKey() {
        for (KeyManager manager : tls.keyManagers()) {
            if (manager instanceof X509KeyManager x509) {
                String alias = x509.chooseServerAlias("RSA", null, null);
                if (alias != null && x509.getPrivateKey(alias) != null) {
                    return new DkimKey(x509.getPrivateKey(alias), x509.getCertificateChain(alias)[0].getPublicKey());
                }
            }
        }
        throw new IllegalStateException("the server has no RSA key to DKIM-sign with");
    }

    /** What {@code wsemail:smtp-status} shows. */
    record GatewayStatus(String domain, String hostName, int port, boolean running, boolean requireTls, int maxMessageBytes,
            long received, long refused, String dkimRecordName, String dkimRecord,
            List<GatewayActivity.Outbound> lastOutbound, List<String> lastRefusals) {
    }

    GatewayStatus status() {
        String record;
        try {
            record = "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(dkimKey().publicKey().getEncoded());
        } catch (IllegalStateException e) {
            record = e.getMessage();
        }
        return new GatewayStatus(domain, hostName, listener.getPortAllocated(), listener.isRunning(), config.require_tls(),
                config.max_message_bytes(), activity.receivedCount(), activity.refusedCount(),
                config.dkim_selector() + "._domainkey." + domain, record, activity.lastOutbound(), activity.lastRefusals());
    }
}
