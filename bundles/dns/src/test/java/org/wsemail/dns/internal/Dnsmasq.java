package org.wsemail.dns.internal;

import java.io.File;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real dnsmasq name server on 127.0.0.1 and a free port, serving the SRV records a test gives it
 * with a fixed TTL, and answering for the whole {@code test.} domain as its authority would (names it
 * has no records for do not exist). Needs the dnsmasq binary (Debian: dnsmasq-base), which .ci/run
 * installs.
 */
public final class Dnsmasq implements AutoCloseable {
    private static final String[] LOCATIONS = {"/usr/sbin/dnsmasq", "/usr/bin/dnsmasq", "/sbin/dnsmasq"};

    private final Process process;
    private final int port;
    private final Path log;

    /**
     * @param ttlSeconds the TTL of every answer
     * @param srvHosts dnsmasq {@code --srv-host} values: {@code _service._tcp.domain,target,port,priority,weight}
     */
    public Dnsmasq(int ttlSeconds, String... srvHosts) throws IOException, InterruptedException {
        this(ttlSeconds, List.of(), srvHosts);
    }

    /**
     * @param hostRecords dnsmasq {@code --host-record} values: {@code name,address}
     */
    public Dnsmasq(int ttlSeconds, List<String> hostRecords, String... srvHosts) throws IOException, InterruptedException {
        this(ttlSeconds, hostRecords, List.of(), srvHosts);
    }

    /**
     * @param options more dnsmasq options, e.g. {@code --mx-host=legacy.test,mx.legacy.test,10}
     */
    public Dnsmasq(int ttlSeconds, List<String> hostRecords, List<String> options, String... srvHosts)
            throws IOException, InterruptedException {
        String binary = binary();
        this.port = freeUdpPort();
        this.log = Files.createTempFile("dnsmasq", ".log");
        List<String> command = new ArrayList<>(List.of(binary, "--keep-in-foreground", "--conf-file=/dev/null",
                "--no-resolv", "--no-hosts", "--no-poll", "--bind-interfaces", "--listen-address=127.0.0.1",
                "--port=" + port, "--pid-file", "--local-ttl=" + ttlSeconds, "--log-facility=-",
                "--local=/test/"));
        for (String srvHost : srvHosts) {
            command.add("--srv-host=" + srvHost);
        }
        for (String hostRecord : hostRecords) {
            command.add("--host-record=" + hostRecord);
        }
        command.addAll(options);
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        awaitListening();
    }

    private static String binary() {
        for (String location : LOCATIONS) {
            if (new File(location).canExecute()) {
                return location;
            }
        }
        throw new IllegalStateException("these tests need a real DNS server: install dnsmasq"
                + " (Debian: apt-get install dnsmasq-base); .ci/run does");
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private void awaitListening() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("dnsmasq exited: " + Files.readString(log));
            }
            if (Files.readString(log).contains("started")) {
                return;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("dnsmasq did not start: " + Files.readString(log));
    }

    /** {@code 127.0.0.1:port}, as the resolver's configuration names it. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close() throws InterruptedException, IOException {
        process.destroy();
        process.waitFor(5, TimeUnit.SECONDS);
        Files.deleteIfExists(log);
    }
}
