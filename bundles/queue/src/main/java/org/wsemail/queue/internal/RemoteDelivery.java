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
 * until one answers; the entries due for the domain go in as few calls as its server allows. A
 * domain that publishes no WSEmail server gets the message as Internet mail when the SMTP gateway is
 * installed, and a bounce otherwise; a server that refuses a message as a
 * whole ends its delivery for good; servers that cannot be reached leave it for a later attempt.
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

    /**
     * Delivers entries for one domain, as few calls to its server as it allows. The outcome for each
     * entry, in order: never null, FAILED with the last error when no server answered.
     */
    List<List<DeliveryResult>> deliver(List<QueueEntries.Entry> group) {
        String domain = group.get(0).domain();
        List<ServerEndpoint> servers;
        try {
            servers = resolver.resolve(domain);
        } catch (UncheckedIOException e) {
            return each(group, Status.FAILED, e.getMessage());
        } catch (IllegalStateException e) {
            return each(group, Status.UNKNOWN_RECIPIENT, e.getMessage());
        }
        if (servers.isEmpty()) {
            Optional<InternetMail> gateway = internet.get();
            if (gateway.isPresent()) {
                return group.stream().map(entry -> gateway.get().deliver(domain,
                        new SignedMail(reader.apply(entry.signedXml()), entry.signedXml()), entry.recipients())).toList();
            }
            return each(group, Status.UNKNOWN_RECIPIENT, "the domain " + domain + " publishes no WSEmail server ("
                    + DomainResolver.SRV_PREFIX + domain + ")");
        }
        List<PeerTransport.Parcel> parcels = group.stream()
                .map(entry -> new PeerTransport.Parcel(entry.signedXml(), entry.recipients())).toList();
        String failure = null;
        for (ServerEndpoint server : servers) {
            try {
                return peers.deliverAll(server, parcels);
            } catch (IOException e) {
                failure = e.getMessage();
                LOG.info("Delivery of {} to {} failed: {}", group.stream().map(QueueEntries.Entry::messageId).toList(),
                        domain, failure);
            }
        }
        return each(group, Status.FAILED, failure == null ? "no server answered" : failure);
    }

    private static List<List<DeliveryResult>> each(List<QueueEntries.Entry> group, Status status, String detail) {
        return group.stream().map(entry -> all(entry, status, detail)).toList();
    }

    static List<DeliveryResult> all(QueueEntries.Entry entry, Status status, String detail) {
        return DeliveryResult.all(entry.recipients(), status, detail);
    }
}
