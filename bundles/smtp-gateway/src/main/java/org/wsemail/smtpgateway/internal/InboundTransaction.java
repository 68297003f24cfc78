package org.wsemail.smtpgateway.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.Session;
import org.wsemail.api.Address;
import org.wsemail.api.MailMessage;
import org.wsemail.api.server.MailQueue;
import org.wsemail.api.server.UserDirectory;

/**
 * One SMTP mail transaction (MAIL, RCPT..., DATA) at the gateway. Recipients are checked as they are
 * named: only users of this domain (the gateway relays nothing). The message is queued, signed by this
 * server as the gateway, before the client hears 250, so what was acknowledged is never lost; if the
 * queue cannot take it the client hears a temporary failure and tries again. Used by one session's
 * thread only.
 */
final class InboundTransaction implements MessageHandler {
    private static final Logger LOG = LoggerFactory.getLogger(InboundTransaction.class);

    private final MessageContext session;
    private final String domain;
    private final UserDirectory users;
    private final MailQueue queue;
    private final SpfCheck spf;
    private final DkimCheck dkim;
    private final int maxBytes;
    private final Clock clock;
    private final GatewayActivity activity;
    private String mailFrom = "";
    private final List<Address> recipients = new ArrayList<>();

    InboundTransaction(MessageContext session, String domain, UserDirectory users, MailQueue queue, SpfCheck spf, DkimCheck dkim,
            int maxBytes, Clock clock, GatewayActivity activity) {
        this.session = session;
        this.domain = domain;
        this.users = users;
        this.queue = queue;
        this.spf = spf;
        this.dkim = dkim;
        this.maxBytes = maxBytes;
        this.clock = clock;
        this.activity = activity;
    }

    @Override
    public void from(String from) {
        mailFrom = from == null ? "" : from.trim();
    }

    @Override
    public void recipient(String recipient) throws RejectException {
        Address address;
        try {
            address = Address.parse(recipient);
        } catch (IllegalArgumentException e) {
            throw refused(553, "5.1.3 <" + recipient + "> is not a mail address");
        }
        if (!address.domain().equals(domain)) {
            throw refused(550, "5.7.1 <" + recipient + ">: relaying denied; this server takes mail for " + domain + " only");
        }
        if (!users.exists(address)) {
            throw refused(550, "5.1.1 <" + recipient + ">: no such user here");
        }
        recipients.add(address);
    }

    private RejectException refused(int code, String reason) {
        LOG.info("SMTP from {} (MAIL FROM <{}>): refused a recipient: {} {}", client(), mailFrom, code, reason);
        activity.refusal(code + " " + reason);
        return new RejectException(code, reason);
    }

    @Override
    public String data(InputStream data) throws RejectException, IOException {
        byte[] raw = data.readNBytes(maxBytes + 1);
        if (raw.length > maxBytes) {
            // The client sends to the end before it can hear the refusal: read the rest, keep none of it.
            data.transferTo(OutputStream.nullOutputStream());
            activity.refusal("552 message over " + maxBytes + " bytes from " + client());
            LOG.info("SMTP from {}: refused a message over {} bytes", client(), maxBytes);
            throw new RejectException(552, "5.3.4 message too big: this server takes at most " + maxBytes + " bytes");
        }
        Envelope envelope = new Envelope(client(), session.getHelo().orElse(""), mailFrom, recipients,
                session instanceof Session s && s.isTLSStarted(), clock.instant());
        MailMessage message = LegacyMessages.fromSmtp(raw, envelope, spf.check(envelope.client(), mailFrom, envelope.helo()),
                dkim.check(raw));
        try {
            queue.submit(message);
        } catch (RuntimeException e) {
            LOG.error("SMTP from {}: could not queue a message for {}; the client will try again", client(), recipients, e);
            throw new RejectException(451, "4.3.0 cannot take the message now; try again later");
        }
        LOG.info("SMTP from {}: accepted message {} from {} for {} ({} bytes{})", client(), message.messageId(),
                message.sender(), recipients, raw.length, envelope.tls() ? ", STARTTLS" : "");
        activity.received();
        return null;
    }

    private String client() {
        SocketAddress remote = session.getRemoteAddress();
        return remote instanceof InetSocketAddress inet ? inet.getAddress().getHostAddress() : String.valueOf(remote);
    }

    @Override
    public void done() {
        // nothing held between transactions
    }
}
