package org.wsemail.itests.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.wsemail.dns.internal.Dnsmasq;
import org.wsemail.security.Pki;

/**
 * Two real servers from the distribution, a.test on 127.0.0.7 and b.test on 127.0.0.8, with
 * certificates from one test authority, finding each other through SRV records on dnsmasq; started
 * in a folder of their own below {@code target/}, stopped by {@link #close()}.
 */
final class TwoDomains implements AutoCloseable {
    final Path root;
    /** The test authority's certificate, which clients trust. */
    final Path caPem;
    final ServerProcess a;
    final ServerProcess b;
    private final Dnsmasq dns;

    /**
     * @param folder the folder below {@code target/}, emptied first
     * @param aPorts where a.test's ports start (it takes a few from there); {@code bPorts} likewise for b.test
     */
    TwoDomains(String folder, Pki.CertifiedKey authority, int aPorts, int bPorts) throws Exception {
        root = Path.of("target", folder).toAbsolutePath();
        ServerProcess.deleteRecursively(root);
        Files.createDirectories(root);
        caPem = root.resolve("ca.pem");
        Pki.writePem(caPem, authority.certificate());
        Path archive = Path.of(System.getProperty("wsemail.assembly"));
        a = new ServerProcess(archive, root, "a.test", "127.0.0.7", aPorts);
        b = new ServerProcess(archive, root, "b.test", "127.0.0.8", bPorts);
        Dnsmasq started = null;
        try {
            started = new Dnsmasq(60, List.of("mail.a.test,127.0.0.7", "mail.b.test,127.0.0.8"),
                "_wsemail._tcp.a.test,mail.a.test," + a.tlsPort + ",10,0",
                "_wsemail._tcp.b.test,mail.b.test," + b.tlsPort + ",10,0");
            for (ServerProcess server : List.of(a, b)) {
                server.credentials(authority);
                server.nameServer(started.address());
                server.launch();
            }
            a.awaitReady();
            b.awaitReady();
        } catch (Exception | AssertionError e) {
            closeAll(a, b, started);
            throw e;
        }
        dns = started;
    }

    @Override
    public void close() throws Exception {
        closeAll(a, b, dns);
    }

    private static void closeAll(AutoCloseable... resources) throws Exception {
        for (AutoCloseable resource : resources) {
            if (resource != null) {
                resource.close();
            }
        }
    }
}
