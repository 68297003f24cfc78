package org.wsemail.queue.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsemail.api.server.DeliveryResult;
import org.wsemail.api.server.DeliveryResult.Status;
import org.wsemail.api.MailMessage;
import org.wsemail.api.server.DomainResolver;
import org.wsemail.api.server.DomainResolver.ServerEndpoint;
import org.wsemail.api.server.InternetMail;
import org.wsemail.api.server.PeerTransport;
import org.wsemail.api.server.SignedMail;

/**
 * Delivery to another domain: its servers in the order of their SRV records, each tried in turn
 * until one answers. A domain that publishes no WSEmail server gets the message as Internet mail
 * when the SMTP gateway is installed, and a bounce otherwise; a server that refuses the message as a
 * whole ends delivery for good; servers that cannot be reached leave it for a later attempt.
 */
final class RemoteDelivery {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteDelivery.class);

    private final DomainResolver resolver;
    private final PeerTransport peers;
    /** The SMTP gateway's way out, while it is installed. */
    private final Supplier<Optional<InternetMail>> internet;
    private final Function<String, MailMessage> reader;

    RemoteDelivery(DomainResolver resolver, PeerTransport peers, Supplier<Optional<InternetMail>> internet,
            Function<String, MailMessage> reader) {
        this.resolver = resolver;
        this.peers = peers;
        this.internet = internet;
        this.reader = reader;
    }

    /** The outcome for each of the entry's recipients: never null, FAILED with the last error when no server answered. */
    List<DeliveryResult> deliver(QueueEntries.Entry entry) {
        List<ServerEndpoint> servers;
        try {
            servers = resolver.resolve(entry.domain());
        } catch (UncheckedIOException e) {
            return all(entry, Status.FAILED, e.getMessage());
        } catch (IllegalStateException e) {
            return all(entry, Status.UNKNOWN_RECIPIENT, e.getMessage());
        }
        if (servers.isEmpty()) {
            Optional<InternetMail> gateway = internet.get();
            if (gateway.isPresent()) {
                SignedMail mail = new SignedMail(reader.apply(entry.signedXml()), entry.signedXml());
                return gateway.get().deliver(entry.domain(), mail, entry.recipients());
            }
            return all(entry, Status.UNKNOWN_RECIPIENT, "the domain " + entry.domain() + " publishes no WSEmail server ("
                    + DomainResolver.SRV_PREFIX + entry.domain() + ")");
        }
        String failure = null;
        for (ServerEndpoint server : servers) {
            try {
                return peers.deliver(server, entry.signedXml(), entry.recipients());
            } catch (IOException e) {
                failure = e.getMessage();
                LOG.info("Delivery of {} to {} failed: {}", entry.messageId(), entry.domain(), failure);
            } catch (PeerTransport.PeerRefusedException e) {
                return all(entry, Status.UNKNOWN_RECIPIENT, "refused by " + server.host() + ": " + e.getMessage());
            }
        }
        return all(entry, Status.FAILED, failure == null ? "no server answered" : failure);
    }

    static List<DeliveryResult> all(QueueEntries.Entry entry, Status status, String detail) {
        return entry.recipients().stream().map(r -> new DeliveryResult(r, status, detail)).toList();
    }
}
