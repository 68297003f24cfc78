package org.wsemail.smtpgateway.internal;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsemail.api.server.DeliveryResult;
import org.wsemail.api.server.DeliveryResult.Status;
import org.wsemail.api.server.DomainResolver.ServerEndpoint;

/**
 * One SMTP client conversation with one mail exchanger, through Jakarta Mail (Angus): STARTTLS when
 * the server offers it (or required, by setting), the message as given, and each recipient's
 * outcome from the server's replies. Encryption is opportunistic (RFC 7435): the server's
 * certificate is not checked, since Internet mail servers' names and certificates rarely match
 * what MX records say; a passive listener still sees nothing. Stateless and thread-safe.
 */
final class SmtpSender {
    private static final Logger LOG = LoggerFactory.getLogger(SmtpSender.class);

    private final String heloName;
    private final boolean requireTls;
    private final int timeoutMillis;
    private final int portOverride;

    /**
     * @param heloName the name this server gives in EHLO
     * @param portOverride the port to connect to instead of the exchanger's (25), or 0
     */
    SmtpSender(String heloName, boolean requireTls, int timeoutMillis, int portOverride) {
        this.heloName = heloName;
        this.requireTls = requireTls;
        this.timeoutMillis = timeoutMillis;
        this.portOverride = portOverride;
    }

    /** What a server said about the message: one result per recipient. */
    record Outcome(List<DeliveryResult> results, String server) {
    }

    /**
     * @param mailFrom the envelope sender
     * @return each recipient's result: CONSUMED (accepted), UNKNOWN_RECIPIENT (5xx), FAILED (4xx)
     * @throws MessagingException if the server could not be reached or the conversation broke off:
     *     the caller tries the next exchanger
     */
    Outcome send(ServerEndpoint exchanger, String mailFrom, List<org.wsemail.api.Address> recipients, byte[] message)
            throws MessagingException {
        int port = portOverride > 0 ? portOverride : exchanger.port();
        String host = exchanger.connectHost().replace("[", "").replace("]", "");
        Properties settings = new Properties();
        settings.put("mail.smtp.host", host);
        settings.put("mail.smtp.port", Integer.toString(port));
        settings.put("mail.smtp.localhost", heloName);
        settings.put("mail.smtp.from", mailFrom);
        settings.put("mail.smtp.starttls.enable", "true");
        settings.put("mail.smtp.starttls.required", Boolean.toString(requireTls));
        settings.put("mail.smtp.ssl.trust", "*");
        settings.put("mail.smtp.ssl.checkserveridentity", "false");
        settings.put("mail.smtp.ssl.protocols", "TLSv1.3 TLSv1.2");
        settings.put("mail.smtp.sendpartial", "true");
        settings.put("mail.smtp.connectiontimeout", Integer.toString(timeoutMillis));
        settings.put("mail.smtp.timeout", Integer.toString(timeoutMillis));
        settings.put("mail.smtp.writetimeout", Integer.toString(timeoutMillis));
        Session session = Session.getInstance(settings);
        String server = exchanger.host() + " (" + host + ":" + port + ")";
        Thread thread = Thread.currentThread();
        ClassLoader caller = thread.getContextClassLoader();
        // Jakarta Mail finds its stream provider through the context class loader: this bundle's, which holds it.
        thread.setContextClassLoader(SmtpSender.class.getClassLoader());
        SMTPTransport transport = new SMTPTransport(session, new URLName("smtp", host, port, null, null, null));
        try {
            transport.connect();
            MimeMessage mime = new MimeMessage(session, new ByteArrayInputStream(message));
            InternetAddress[] to = new InternetAddress[recipients.size()];
            for (int i = 0; i < to.length; i++) {
                to[i] = new InternetAddress(recipients.get(i).toString());
            }
            try {
                transport.sendMessage(mime, to);
                String reply = transport.getLastServerResponse();
                LOG.info("Handed message to {} for {}: {}", server, recipients, reply);
                return new Outcome(recipients.stream()
                        .map(r -> new DeliveryResult(r, Status.CONSUMED, "accepted by " + server + ": " + reply)).toList(), server);
            } catch (SMTPSendFailedException refusedWhole) {
                if (refusedWhole.getValidSentAddresses() != null && refusedWhole.getValidSentAddresses().length > 0) {
                    return new Outcome(partial(refusedWhole, recipients, server), server);
                }
                Status status = refusedWhole.getReturnCode() >= 500 ? Status.UNKNOWN_RECIPIENT : Status.FAILED;
                String why = server + " refused the message: " + refusedWhole.getMessage().trim();
                return new Outcome(recipients.stream().map(r -> new DeliveryResult(r, status, why)).toList(), server);
            } catch (SendFailedException someRefused) {
                return new Outcome(partial(someRefused, recipients, server), server);
            }
        } finally {
            try {
                transport.close();
            } catch (MessagingException e) {
                LOG.debug("Closing the connection to {}: {}", server, e.getMessage());
            }
            thread.setContextClassLoader(caller);
        }
    }

    /** Each recipient's fate when the server took the message for some of them only. */
    private static List<DeliveryResult> partial(SendFailedException failure, List<org.wsemail.api.Address> recipients,
            String server) {
        Map<String, DeliveryResult> byAddress = new HashMap<>();
        for (Exception next = failure; next != null;
                next = next instanceof MessagingException m ? m.getNextException() : null) {
            if (next instanceof SMTPAddressFailedException refused) {
                String address = refused.getAddress().getAddress().toLowerCase(Locale.ROOT);
                Status status = refused.getReturnCode() >= 500 ? Status.UNKNOWN_RECIPIENT : Status.FAILED;
                byAddress.put(address, new DeliveryResult(org.wsemail.api.Address.parse(address), status,
                        server + " refused " + address + ": " + refused.getMessage().trim()));
            }
        }
        for (Address sent : nonNull(failure.getValidSentAddresses())) {
            String address = ((InternetAddress) sent).getAddress().toLowerCase(Locale.ROOT);
            byAddress.put(address, new DeliveryResult(org.wsemail.api.Address.parse(address), Status.CONSUMED,
                    "accepted by " + server));
        }
        List<DeliveryResult> results = new ArrayList<>();
        for (org.wsemail.api.Address recipient : recipients) {
            results.add(byAddress.getOrDefault(recipient.toString().toLowerCase(Locale.ROOT), new DeliveryResult(recipient,
                    Status.FAILED, server + " did not take the message for " + recipient + ": " + failure.getMessage())));
        }
        return results;
    }

    private static Address[] nonNull(Address[] addresses) {
        return addresses == null ? new Address[0] : addresses;
    }
}
