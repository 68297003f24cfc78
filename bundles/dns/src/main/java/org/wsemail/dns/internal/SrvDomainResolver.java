package org.wsemail.dns.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsemail.api.NetworkAddresses;
import org.wsemail.api.server.DomainResolver;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Cache;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.NioClient;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The DNS Resolver: finds a domain's WSEmail servers from its {@code _wsemail._tcp} SRV records with
 * dnsjava, caching answers (and the absence of answers) for as long as their TTL allows.
 *
 * <p>For closed networks a static zone file in master-file format can answer instead of, or before,
 * the name servers. Every server is given with its addresses, looked up once here, so that what is
 * checked is what is connected to: a server at an internal address (loopback, private, link-local)
 * is dropped unless {@code allow.private.targets} is set, since mail to a stranger's domain must not
 * make this server probe the hosts behind its firewall. Thread-safe; a new configuration builds a
 * new instance with an empty cache.
 */
@Component(service = DomainResolver.class, configurationPid = SrvDomainResolver.PID)
@Designate(ocd = SrvDomainResolver.Config.class)
public class SrvDomainResolver implements DomainResolver {
    static final String PID = "org.wsemail.dns";

    private static final Logger LOG = LoggerFactory.getLogger(SrvDomainResolver.class);
    private static final Pattern DOMAIN = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");

    @ObjectClassDefinition(name = "WSEmail DNS resolver",
            description = "Where the server looks up the _wsemail._tcp SRV records of other domains.")
    public @interface Config {
        @AttributeDefinition(name = "Name servers", required = false,
                description = "host or host:port of the name servers to ask; empty asks the system's")
        String[] nameservers() default {};

        @AttributeDefinition(name = "Static zone file", required = false,
                description = "A master file (RFC 1035) whose SRV records answer first; for closed networks")
        String zone_file() default "";

        @AttributeDefinition(name = "Use the name servers",
                description = "false answers from the zone file alone")
        boolean use_nameservers() default true;

        @AttributeDefinition(name = "Query time limit (ms)")
        long timeout_ms() default 5000;

        @AttributeDefinition(name = "Allow internal servers",
                description = "Deliver to servers at loopback, private and link-local addresses: for closed networks and tests only")
        boolean allow_private_targets() default false;
    }

    private final Resolver resolver;
    private final Cache cache = new Cache(DClass.IN);
    private final Map<Name, List<SRVRecord>> staticRecords;
    private final Map<Name, List<MXRecord>> staticExchangers;
    private final Map<Name, List<InetAddress>> staticAddresses;
    private final boolean useNameServers;
    private final boolean allowInternal;
    private final RandomGenerator random;

    @Activate
    public SrvDomainResolver(Config config) {
        this(config, new SecureRandom());
    }

    SrvDomainResolver(Config config, RandomGenerator random) {
        this.random = random;
        this.useNameServers = config.use_nameservers();
        this.allowInternal = config.allow_private_targets();
        this.resolver = useNameServers ? resolver(config.nameservers(), Duration.ofMillis(config.timeout_ms())) : null;
        ZoneFile zone = config.zone_file().isBlank() ? ZoneFile.EMPTY : readZoneFile(config.zone_file().trim());
        this.staticRecords = zone.services();
        this.staticExchangers = zone.exchangers();
        this.staticAddresses = zone.addresses();
    }

    /** What a static zone file says: SRV records, and host addresses (A and AAAA records). */
    private record ZoneFile(Map<Name, List<SRVRecord>> services, Map<Name, List<MXRecord>> exchangers,
            Map<Name, List<InetAddress>> addresses) {
        static final ZoneFile EMPTY = new ZoneFile(Map.of(), Map.of(), Map.of());
    }

    /**
     * Stops dnsjava's shared I/O thread. Left running, its JVM shutdown hook waits for a thread that
     * is gone once this bundle has stopped, and the server process never exits.
     */
    @Deactivate
    void deactivate() {
        NioClient.close();
    }

    private static Resolver resolver(String[] nameservers, Duration timeout) {
        try {
            ExtendedResolver resolver;
            if (nameservers.length == 0) {
                resolver = new ExtendedResolver();
            } else {
                List<Resolver> servers = new ArrayList<>();
                for (String server : nameservers) {
                    servers.add(new SimpleResolver(socketAddress(server.trim())));
                }
                resolver = new ExtendedResolver(servers);
            }
            resolver.setTimeout(timeout);
            return resolver;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown name server: " + e.getMessage(), e);
        }
    }

    /** {@code host}, {@code host:port} or {@code [v6-address]:port}. */
    static InetSocketAddress socketAddress(String server) throws UnknownHostException {
        int colon = server.lastIndexOf(':');
        boolean hasPort = colon > 0 && (server.indexOf(':') == colon || server.startsWith("["));
        String host = hasPort ? server.substring(0, colon) : server;
        int port = hasPort ? Integer.parseInt(server.substring(colon + 1)) : 53;
        host = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        return new InetSocketAddress(InetAddress.getByName(host), port);
    }

    private static ZoneFile readZoneFile(String file) {
        Map<Name, List<SRVRecord>> records = new HashMap<>();
        Map<Name, List<MXRecord>> exchangers = new HashMap<>();
        Map<Name, List<InetAddress>> addresses = new HashMap<>();
        try (Master master = new Master(file, Name.root)) {
            for (Record record = master.nextRecord(); record != null; record = master.nextRecord()) {
                if (record instanceof SRVRecord srv) {
                    records.computeIfAbsent(srv.getName(), n -> new ArrayList<>()).add(srv);
                } else if (record instanceof MXRecord mx) {
                    exchangers.computeIfAbsent(mx.getName(), n -> new ArrayList<>()).add(mx);
                } else if (record instanceof ARecord a) {
                    addresses.computeIfAbsent(a.getName(), n -> new ArrayList<>()).add(a.getAddress());
                } else if (record instanceof AAAARecord aaaa) {
                    addresses.computeIfAbsent(aaaa.getName(), n -> new ArrayList<>()).add(aaaa.getAddress());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the static zone file " + file, e);
        }
        LOG.info("Static zone file {} holds SRV records for {} names and addresses for {} hosts", file, records.size(),
                addresses.size());
        return new ZoneFile(Map.copyOf(records), Map.copyOf(exchangers), Map.copyOf(addresses));
    }

    @Override
    public List<ServerEndpoint> resolve(String domain) {
        Name name = srvName(domain);
        List<SRVRecord> records = staticRecords.get(name);
        if (records == null) {
            records = useNameServers ? query(name) : List.of();
        }
        if (records.size() == 1 && records.get(0).getTarget().equals(Name.root)) {
            return List.of();
        }
        List<ServerEndpoint> endpoints = new ArrayList<>(records.size());
        for (SRVRecord record : SrvOrder.order(records, random)) {
            endpoints.add(new ServerEndpoint(record.getTarget().toString(true), record.getPort(), record.getPriority(),
                    record.getWeight(), Duration.ofSeconds(record.getTTL())));
        }
        return withAddresses(domain, endpoints);
    }

    @Override
    public List<ServerEndpoint> mailExchangers(String domain) {
        Name name = domainName(domain, "");
        List<MXRecord> records = staticExchangers.get(name);
        if (records == null) {
            records = useNameServers ? queryRecords(name, Type.MX, MXRecord.class) : List.of();
        }
        if (records.size() == 1 && records.get(0).getTarget().equals(Name.root)) {
            return List.of();
        }
        if (records.isEmpty()) {
            ServerEndpoint implicit = new ServerEndpoint(name.toString(true), SMTP_PORT, 0, 0, Duration.ZERO);
            try {
                return withAddresses(domain, List.of(implicit));
            } catch (UncheckedIOException e) {
                return List.of();
            }
        }
        List<MXRecord> shuffled = new ArrayList<>(records);
        Collections.shuffle(shuffled, new Random(random.nextLong()));
        shuffled.sort(Comparator.comparingInt(MXRecord::getPriority));
        List<ServerEndpoint> endpoints = new ArrayList<>(records.size());
        for (MXRecord record : shuffled) {
            endpoints.add(new ServerEndpoint(record.getTarget().toString(true), SMTP_PORT, record.getPriority(), 0,
                    Duration.ofSeconds(record.getTTL())));
        }
        return withAddresses(domain, endpoints);
    }

    @Override
    public List<String> records(String name, String type) {
        int dnsType = switch (type) {
            case "A" -> Type.A;
            case "AAAA" -> Type.AAAA;
            case "MX" -> Type.MX;
            case "PTR" -> Type.PTR;
            case "TXT" -> Type.TXT;
            default -> throw new IllegalArgumentException("record type " + type + " is not looked up here");
        };
        if (!useNameServers) {
            return List.of();
        }
        Name absolute;
        try {
            absolute = Name.fromString(name.endsWith(".") ? name : name + ".");
        } catch (TextParseException | NullPointerException e) {
            throw new IllegalArgumentException("not a domain name: '" + name + "'", e);
        }
        return queryRecords(absolute, dnsType, Record.class).stream().map(SrvDomainResolver::text)
                .filter(java.util.Objects::nonNull).toList();
    }

    private static String text(Record record) {
        if (record instanceof ARecord a) {
            return a.getAddress().getHostAddress();
        } else if (record instanceof AAAARecord aaaa) {
            return aaaa.getAddress().getHostAddress();
        } else if (record instanceof MXRecord mx) {
            return mx.getTarget().toString(true);
        } else if (record instanceof PTRRecord ptr) {
            return ptr.getTarget().toString(true);
        } else if (record instanceof TXTRecord txt) {
            return String.join("", txt.getStrings());
        }
        return null;
    }

    /**
     * The servers, in the order given, each with its addresses looked up; those at internal addresses
     * dropped unless allowed, and those whose addresses nobody knows skipped.
     *
     * @throws UncheckedIOException if no server's addresses could be found
     * @throws IllegalStateException if every server found is at internal addresses
     */
    private List<ServerEndpoint> withAddresses(String domain, List<ServerEndpoint> servers) {
        List<ServerEndpoint> endpoints = new ArrayList<>(servers.size());
        List<String> internal = new ArrayList<>();
        UncheckedIOException unresolved = null;
        for (ServerEndpoint server : servers) {
            String host = server.host();
            List<InetAddress> addresses;
            try {
                addresses = addresses(Name.fromConstantString(host.endsWith(".") ? host : host + "."));
            } catch (UncheckedIOException e) {
                LOG.info("Skipping server {} of domain {}: {}", host, domain, e.getCause().getMessage());
                unresolved = e;
                continue;
            }
            if (!allowInternal) {
                List<InetAddress> outside = addresses.stream().filter(a -> !NetworkAddresses.isInternal(a)).toList();
                if (outside.size() < addresses.size()) {
                    internal.add(host + " (" + addresses.get(0).getHostAddress() + ")");
                    LOG.warn("Ignoring server {} of domain {}: it is at internal addresses {}", host, domain,
                            addresses.stream().filter(NetworkAddresses::isInternal).map(InetAddress::getHostAddress).toList());
                }
                addresses = outside;
                if (addresses.isEmpty()) {
                    continue;
                }
            }
            endpoints.add(new ServerEndpoint(host, server.port(), server.priority(), server.weight(), server.ttl(), addresses));
        }
        if (endpoints.isEmpty() && unresolved != null) {
            throw unresolved;
        }
        if (endpoints.isEmpty() && !internal.isEmpty()) {
            throw new IllegalStateException("the servers of " + domain + " are at internal addresses: "
                    + String.join(", ", internal) + "; this server delivers only to public addresses");
        }
        return List.copyOf(endpoints);
    }

    /**
     * The target's addresses from the same source as its SRV record, so that a closed network needs
     * no other name service; if that gives none, the system's resolver's.
     *
     * @throws UncheckedIOException if nobody knows the host's addresses now
     */
    private List<InetAddress> addresses(Name target) {
        List<InetAddress> fromSource = staticAddresses.get(target);
        if (fromSource == null) {
            fromSource = useNameServers ? queryAddresses(target) : List.of();
        }
        if (!fromSource.isEmpty()) {
            return fromSource;
        }
        String host = target.toString(true);
        try {
            return List.of(InetAddress.getAllByName(host));
        } catch (UnknownHostException e) {
            throw new UncheckedIOException(new IOException("cannot find the addresses of the server " + host, e));
        }
    }

    private List<InetAddress> queryAddresses(Name target) {
        List<InetAddress> found = new ArrayList<>();
        for (int type : new int[] {Type.A, Type.AAAA}) {
            Lookup lookup = new Lookup(target, type, DClass.IN);
            lookup.setResolver(resolver);
            lookup.setCache(cache);
            lookup.setSearchPath((Name[]) null);
            Record[] answers = lookup.run();
            if (lookup.getResult() == Lookup.SUCCESSFUL) {
                for (Record answer : answers) {
                    if (answer instanceof ARecord a) {
                        found.add(a.getAddress());
                    } else if (answer instanceof AAAARecord aaaa) {
                        found.add(aaaa.getAddress());
                    }
                }
            }
        }
        return found;
    }

    private List<SRVRecord> query(Name name) {
        return queryRecords(name, Type.SRV, SRVRecord.class);
    }

    private <R extends Record> List<R> queryRecords(Name name, int type, Class<R> recordClass) {
        Lookup lookup = new Lookup(name, type, DClass.IN);
        lookup.setResolver(resolver);
        lookup.setCache(cache);
        lookup.setSearchPath((Name[]) null);
        Record[] answers = lookup.run();
        switch (lookup.getResult()) {
            case Lookup.SUCCESSFUL:
                List<R> records = new ArrayList<>();
                for (Record answer : answers) {
                    if (recordClass.isInstance(answer)) {
                        records.add(recordClass.cast(answer));
                    }
                }
                return records;
            case Lookup.HOST_NOT_FOUND:
            case Lookup.TYPE_NOT_FOUND:
                return List.of();
            default:
                throw new UncheckedIOException(new IOException(
                        "DNS lookup of " + name + " failed: " + lookup.getErrorString()));
        }
    }

    static Name srvName(String domain) {
        return domainName(domain, SRV_PREFIX);
    }

    /** The domain's name, below {@code prefix}. */
    private static Name domainName(String domain, String prefix) {
        String lower = domain == null ? "" : domain.trim().toLowerCase(Locale.ROOT);
        if (lower.endsWith(".")) {
            lower = lower.substring(0, lower.length() - 1);
        }
        if (lower.isEmpty() || lower.length() > 253 || !DOMAIN.matcher(lower).matches()) {
            throw new IllegalArgumentException("not a domain name: '" + domain + "'");
        }
        try {
            return Name.fromString(prefix + lower + ".");
        } catch (TextParseException e) {
            throw new IllegalArgumentException("not a domain name: '" + domain + "'", e);
        }
    }
}
