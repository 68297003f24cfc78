package org.wsemail.api.server;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The DNS Resolver: finds the servers of a mail domain from its {@code _wsemail._tcp.<domain>} SRV
 * records.
 */
@ProviderType
public interface DomainResolver {

    /** The SRV service label WSEmail servers publish. */
    String SRV_PREFIX = "_wsemail._tcp.";

    /**
     * The domain's servers in the order to try them: lowest priority first, and within one priority
     * a weighted random order (RFC 2782), drawn anew on every call so that load spreads by weight.
     * A caller tries them in turn until one accepts: that is the failover.
     *
     * @return an empty list if the domain publishes no WSEmail servers (no records, or the single
     *     target "." by which a domain says it offers none)
     * @throws IllegalArgumentException if {@code domain} is not a domain name
     * @throws IllegalStateException if every server the domain names is at an address this server
     *     will not deliver to (an internal one): final, the mail is bounced
     * @throws java.io.UncheckedIOException if no name server answered, or no server's address could
     *     be found: worth trying again later
     */
    List<ServerEndpoint> resolve(String domain);

    /** The port Internet mail servers listen on for mail from other servers (RFC 5321). */
    int SMTP_PORT = 25;

    /**
     * The Internet mail servers of a domain that publishes no WSEmail server, for the SMTP gateway:
     * its MX records, lowest preference first and shuffled among equals; without MX records the
     * domain's own host (the implicit MX of RFC 5321). Each is given with {@link #SMTP_PORT}, its
     * preference as the priority, and its addresses; internal addresses are refused as for {@link
     * #resolve}.
     *
     * @return an empty list if the domain says it takes no mail (a "null MX", RFC 7505) or has
     *     neither MX records nor addresses
     * @throws IllegalArgumentException if {@code domain} is not a domain name
     * @throws IllegalStateException if every mail server of the domain is at an internal address
     * @throws java.io.UncheckedIOException if no name server answered: worth trying again later
     */
    List<ServerEndpoint> mailExchangers(String domain);

    /**
     * Any records of a name, as text, from the same name servers as the SRV records: for the SMTP
     * gateway's checks of Internet mail (a DKIM key's {@code selector._domainkey.domain} TXT record,
     * the SPF policy and what it names).
     *
     * @param type {@code A} or {@code AAAA} (addresses), {@code MX} or {@code PTR} (host names, without
     *     the final dot), {@code TXT} (each record's strings joined)
     * @return an empty list if the name has no such records
     * @throws IllegalArgumentException if {@code name} is not a domain name or the type is not one of those
     * @throws java.io.UncheckedIOException if no name server answered
     */
    List<String> records(String name, String type);

    /**
     * One server of a domain, from one SRV record.
     *
     * @param host the target host name
     * @param port the port its WSEmail endpoints listen on
     * @param priority the SRV priority (lower is tried first)
     * @param weight the SRV weight (higher is chosen more often among equal priorities)
     * @param ttl how long the record may be cached
     * @param addresses the host's addresses, looked up when the domain was resolved (from the same
     *     name servers or zone file, else as the system does); empty only when made by hand, and then
     *     the host name is resolved when connecting
     */
    record ServerEndpoint(String host, int port, int priority, int weight, Duration ttl, List<InetAddress> addresses) {

        public ServerEndpoint {
            addresses = List.copyOf(addresses);
        }

        /** A server whose addresses are left to the system's resolver. */
        public ServerEndpoint(String host, int port, int priority, int weight, Duration ttl) {
            this(host, port, priority, weight, ttl, List.of());
        }

        /** What to connect to: the first address given, else the host name. */
        public String connectHost() {
            if (addresses.isEmpty()) {
                return host;
            }
            String literal = addresses.get(0).getHostAddress();
            return literal.contains(":") ? "[" + literal + "]" : literal;
        }
    }
}
