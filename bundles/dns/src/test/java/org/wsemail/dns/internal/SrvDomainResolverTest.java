package org.wsemail.dns.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import org.junit.Test;
import org.wsemail.testing.Configs;
import org.wsemail.api.server.DomainResolver.ServerEndpoint;

/** The resolver against a real name server (dnsmasq) and a real zone file. */
public class SrvDomainResolverTest {

    @org.junit.AfterClass
    public static void stopDnsjava() {
        resolver(new String[0], "", false).deactivate();
    }

    /** A resolver for servers on this host: internal addresses allowed. */
    private static SrvDomainResolver resolver(String[] nameservers, String zoneFile, boolean useNameServers) {
        return resolver(nameservers, zoneFile, useNameServers, true);
    }

    private static SrvDomainResolver resolver(String[] nameservers, String zoneFile, boolean useNameServers, boolean allowInternal) {
        return new SrvDomainResolver(Configs.of(SrvDomainResolver.Config.class).with("nameservers", nameservers)
                .with("zone_file", zoneFile).with("use_nameservers", useNameServers).with("timeout_ms", 1000L)
                .with("allow_private_targets", allowInternal).build(), new Random(5));
    }

    @Test
    public void resolvesServersByPriorityWithTheirPortsAndTtl() throws Exception {
        try (Dnsmasq dns = new Dnsmasq(300, List.of("mail.b.test,127.0.0.5"),
                "_wsemail._tcp.b.test,localhost,9443,20,10",
                "_wsemail._tcp.b.test,mail.b.test,8443,10,50",
                "_wsemail._tcp.b.test,nowhere.b.test,7443,30,10")) {
            List<ServerEndpoint> servers = resolver(new String[] {dns.address()}, "", true).resolve("B.test");

            assertEquals("a server whose address nobody knows is left out", List.of(
                    new ServerEndpoint("mail.b.test", 8443, 10, 50, Duration.ofSeconds(300), List.of(InetAddress.getByName("127.0.0.5"))),
                    new ServerEndpoint("localhost", 9443, 20, 10, Duration.ofSeconds(300), List.of(InetAddress.getAllByName("localhost")))),
                    servers);
            assertEquals("the address from the same name server", "127.0.0.5", servers.get(0).connectHost());
            assertTrue("no address there: the system's, looked up at once", servers.get(1).connectHost().matches("127\\..*|\\[.*\\]"));
        }
    }

    @Test
    public void internetMailServersComeFromMxRecordsByPreferenceElseFromTheDomainsOwnAddress() throws Exception {
        try (Dnsmasq dns = new Dnsmasq(300, List.of("mx1.legacy.test,127.0.0.11", "mx2.legacy.test,127.0.0.12",
                "implicit.test,127.0.0.13", "mail.null.test,127.0.0.14"),
                List.of("--mx-host=legacy.test,mx2.legacy.test,20", "--mx-host=legacy.test,mx1.legacy.test,10",
                        "--mx-host=null.test,.,0", "--txt-record=wsemail._domainkey.legacy.test,v=DKIM1; k=rsa; p=AB"))) {
            SrvDomainResolver resolver = resolver(new String[] {dns.address()}, "", true);

            assertEquals(List.of(
                    new ServerEndpoint("mx1.legacy.test", 25, 10, 0, Duration.ofSeconds(300), List.of(InetAddress.getByName("127.0.0.11"))),
                    new ServerEndpoint("mx2.legacy.test", 25, 20, 0, Duration.ofSeconds(300), List.of(InetAddress.getByName("127.0.0.12")))),
                    resolver.mailExchangers("Legacy.test"));
            assertEquals("no MX: the domain's own host", List.of(InetAddress.getByName("127.0.0.13")),
                    resolver.mailExchangers("implicit.test").get(0).addresses());
            assertEquals("a null MX: the domain takes no mail", List.of(), resolver.mailExchangers("null.test"));
            assertEquals("neither MX nor address", List.of(), resolver.mailExchangers("nothing.test"));
            assertEquals(List.of("v=DKIM1; k=rsa; p=AB"), resolver.records("wsemail._domainkey.legacy.test", "TXT"));
            assertEquals(List.of("127.0.0.11"), resolver.records("mx1.legacy.test", "A"));
            assertEquals(List.of("mx1.legacy.test"), resolver.records("legacy.test", "MX").stream().filter(h -> h.startsWith("mx1")).toList());
            try {
                resolver(new String[] {dns.address()}, "", true, false).mailExchangers("legacy.test");
                fail("loopback mail servers were given");
            } catch (IllegalStateException expected) {
                assertTrue(expected.getMessage(), expected.getMessage().startsWith("the servers of legacy.test are at internal addresses"));
            }
        }
    }

    @Test
    public void serversAtInternalAddressesAreRefusedUnlessAllowed() throws Exception {
        try (Dnsmasq dns = new Dnsmasq(300, List.of("mail.b.test,127.0.0.5", "mx.c.test,10.0.0.7", "mx.c.test,192.0.2.7"),
                "_wsemail._tcp.b.test,mail.b.test,8443,10,50",
                "_wsemail._tcp.c.test,mx.c.test,8443,10,50",
                "_wsemail._tcp.d.test,nowhere.d.test,8443,10,50")) {
            SrvDomainResolver strict = resolver(new String[] {dns.address()}, "", true, false);
            try {
                strict.resolve("b.test");
                fail("a loopback server was given");
            } catch (IllegalStateException expected) {
                assertEquals("the servers of b.test are at internal addresses: mail.b.test (127.0.0.5); this server delivers"
                        + " only to public addresses", expected.getMessage());
            }
            assertEquals("only the public address of a server is kept", List.of(InetAddress.getByName("192.0.2.7")),
                    strict.resolve("c.test").get(0).addresses());
            try {
                strict.resolve("d.test");
                fail("a server without addresses was given");
            } catch (UncheckedIOException expected) {
                assertEquals("java.io.IOException: cannot find the addresses of the server nowhere.d.test", expected.getMessage());
            }
        }
    }

    @Test
    public void aDomainWithoutRecordsHasNoServers() throws Exception {
        try (Dnsmasq dns = new Dnsmasq(300, "_wsemail._tcp.b.test,mail.b.test,8443,10,50")) {
            assertEquals(List.of(), resolver(new String[] {dns.address()}, "", true).resolve("c.test"));
        }
    }

    @Test
    public void answersComeFromTheCacheWhileTheirTtlLastsAndNotAfter() throws Exception {
        SrvDomainResolver resolver;
        try (Dnsmasq dns = new Dnsmasq(2, List.of("mail.b.test,127.0.0.5"), "_wsemail._tcp.b.test,mail.b.test,8443,10,50")) {
            resolver = resolver(new String[] {dns.address()}, "", true);
            assertEquals("mail.b.test", resolver.resolve("b.test").get(0).host());
        }
        assertEquals("the name server is gone, the cached answer is not", "mail.b.test",
                resolver.resolve("b.test").get(0).host());
        Thread.sleep(2500);
        try {
            resolver.resolve("b.test");
            fail("an expired answer must not be served");
        } catch (UncheckedIOException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("DNS lookup of _wsemail._tcp.b.test. failed"));
        }
    }

    @Test
    public void theStaticZoneFileAnswersFirstAndCanStandAlone() throws Exception {
        Path zone = Files.createTempFile("closed", ".zone");
        try {
            Files.writeString(zone, String.join("\n",
                    "$ORIGIN test.",
                    "$TTL 600",
                    "_wsemail._tcp.a.test. IN SRV 10 0 8443 localhost.",
                    "_wsemail._tcp.b IN SRV 5 0 7443 mx.b.test.",
                    "mx.b IN A 10.1.2.3",
                    "mx.b IN AAAA ::1",
                    "_wsemail._tcp.nomail IN SRV 0 0 0 .",
                    ""));
            SrvDomainResolver closed = resolver(new String[0], zone.toString(), false);
            assertEquals(List.of(new ServerEndpoint("localhost", 8443, 10, 0, Duration.ofSeconds(600),
                    List.of(InetAddress.getAllByName("localhost")))), closed.resolve("a.test"));
            ServerEndpoint mx = closed.resolve("b.test").get(0);
            assertEquals("mx.b.test", mx.host());
            assertEquals(List.of(InetAddress.getByName("10.1.2.3"), InetAddress.getByName("::1")), mx.addresses());
            assertEquals("10.1.2.3", mx.connectHost());
            assertEquals("the target '.' says: no service", List.of(), closed.resolve("nomail.test"));
            assertEquals(List.of(), closed.resolve("elsewhere.test"));

            try (Dnsmasq dns = new Dnsmasq(300, List.of("dns.b.test,127.0.0.6", "mail.c.test,127.0.0.7"),
                    "_wsemail._tcp.b.test,dns.b.test,8443,10,50", "_wsemail._tcp.c.test,mail.c.test,8443,10,50")) {
                SrvDomainResolver both = resolver(new String[] {dns.address()}, zone.toString(), true);
                assertEquals("the zone file wins", "mx.b.test", both.resolve("b.test").get(0).host());
                assertEquals("the name servers answer the rest", "mail.c.test", both.resolve("c.test").get(0).host());
            }
        } finally {
            Files.deleteIfExists(zone);
        }
    }

    @Test
    public void refusesWhatIsNotADomainName() {
        SrvDomainResolver resolver = resolver(new String[0], "", false);
        for (String bad : new String[] {"", "a..b", "-a.test", "a b.test", "a.test;rm", "_x.test"}) {
            try {
                resolver.resolve(bad);
                fail("accepted '" + bad + "'");
            } catch (IllegalArgumentException expected) {
                assertTrue(expected.getMessage(), expected.getMessage().startsWith("not a domain name"));
            }
        }
    }
}
