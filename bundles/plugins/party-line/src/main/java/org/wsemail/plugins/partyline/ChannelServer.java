package org.wsemail.plugins.partyline;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsemail.api.Address;
import org.wsemail.api.server.TrustedRoots;
import org.wsemail.wire.security.DomainTls;

/**
 * The party lines' TLS listener: one port for all channels. A member connects presenting their user
 * certificate, says {@code JOIN <channel>}, and is let in only if the certificate names one address,
 * leads to a root this server trusts for that address's domain (not revoked), and the address is
 * invited to a channel that is open. Otherwise the answer is one line, {@code REFUSED <why>}, and the
 * connection closes. Lines are at most so long; a member who sends longer ones is dropped.
 */
final class ChannelServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChannelServer.class);

    private final SSLServerSocket listener;
    private final TrustedRoots roots;
    private final Map<String, Channel> channels;
    private final Clock clock;
    private final int maxLine;
    private final ExecutorService connections;
    private final Thread acceptor;

    ChannelServer(InetSocketAddress bind, KeyManager[] serverKey, TrustedRoots roots, Map<String, Channel> channels, Clock clock,
            int maxLine, int maxConnections) throws IOException {
        this.roots = roots;
        this.channels = channels;
        this.clock = clock;
        this.maxLine = maxLine;
        try {
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(serverKey, new TrustManager[] {new AnyClientCertificate()}, null);
            this.listener = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS for the party line", e);
        }
        listener.setReuseAddress(true);
        listener.bind(bind);
        listener.setWantClientAuth(true);
        listener.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        AtomicInteger number = new AtomicInteger();
        this.connections = Executors.newFixedThreadPool(maxConnections, task -> {
            Thread thread = new Thread(task, "wsemail-party-line-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.acceptor = new Thread(this::accept, "wsemail-party-line-listener");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                connections.execute(() -> serve((SSLSocket) socket));
            } catch (IOException e) {
                if (!listener.isClosed()) {
                    LOG.warn("The party line listener failed to accept: {}", e.getMessage());
                }
            }
        }
    }

    private void serve(SSLSocket socket) {
        try (socket;
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                BufferedWriter out = new BufferedWriter(new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8))) {
            socket.setSoTimeout(30_000);
            String first = readLine(in);
            Address member;
            Channel channel;
            try {
                member = member(socket);
                channel = channel(first);
            } catch (IllegalArgumentException refusal) {
                refuse(out, socket, refusal.getMessage());
                return;
            }
            String refusal = channel.join(member, out, clock.instant());
            if (refusal != null) {
                refuse(out, socket, refusal);
                return;
            }
            LOG.info("{} joined party line {} from {}", member, channel.id, socket.getRemoteSocketAddress());
            socket.setSoTimeout(0);
            try {
                for (String line = readLine(in); line != null && !channel.isClosed(); line = readLine(in)) {
                    channel.say(member, line);
                }
            } catch (IOException e) {
                LOG.info("{} dropped from party line {}: {}", member, channel.id, e.getMessage());
            } finally {
                if (channel.leave(member)) {
                    close(channel, "the channel closed: everyone left");
                }
                LOG.info("{} left party line {}", member, channel.id);
            }
        } catch (IOException e) {
            LOG.debug("A party line connection ended: {}", e.getMessage());
        }
    }

    /** The one address the client's certificate names, if its chain is trusted for that address's domain. */
    private Address member(SSLSocket socket) {
        Certificate[] presented;
        try {
            presented = socket.getSession().getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            throw new IllegalArgumentException("a party line needs your user certificate: connect with it");
        }
        X509Certificate[] chain = java.util.Arrays.copyOf(presented, presented.length, X509Certificate[].class);
        Set<String> addresses = DomainTls.mailAddresses(chain[0]);
        if (addresses.size() != 1) {
            throw new IllegalArgumentException("the certificate names " + addresses + ", not one address");
        }
        Address member = Address.parse(addresses.iterator().next());
        try {
            roots.check(List.of(chain), member.domain());
        } catch (CertificateException e) {
            throw new IllegalArgumentException("the certificate of " + member + " is not trusted here: " + e.getMessage());
        }
        return member;
    }

    private Channel channel(String first) {
        if (first == null || !first.startsWith("JOIN ")) {
            throw new IllegalArgumentException("say JOIN <channel> first");
        }
        Channel channel = channels.get(first.substring(5).trim());
        if (channel == null || channel.isClosed()) {
            throw new IllegalArgumentException("no open channel " + first.substring(5).trim());
        }
        return channel;
    }

    private static void refuse(BufferedWriter out, SSLSocket socket, String why) throws IOException {
        LOG.warn("Refused a party line connection from {}: {}", socket.getRemoteSocketAddress(), why);
        out.write("REFUSED " + why.replace('\n', ' ') + "\n");
        out.flush();
    }

    /** A line, or null at the end; a line longer than allowed ends the connection. */
    private String readLine(BufferedReader in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != -1; c = in.read()) {
            if (c == '\n') {
                return line.toString();
            }
            if (c != '\r') {
                line.append((char) c);
            }
            if (line.length() > maxLine) {
                throw new IOException("a line longer than " + maxLine + " characters");
            }
        }
        return line.length() == 0 ? null : line.toString();
    }

    void close(Channel channel, String why) {
        channels.remove(channel.id, channel);
        for (BufferedWriter out : channel.close(why)) {
            try {
                out.close();
            } catch (IOException e) {
                // gone already
            }
        }
        LOG.info("Party line {} closed: {}", channel.id, why);
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException e) {
            LOG.debug("Closing the party line listener: {}", e.getMessage());
        }
        for (Channel channel : List.copyOf(channels.values())) {
            close(channel, "the server closed the channel");
        }
        connections.shutdownNow();
    }

    /**
     * Takes whatever client certificate is offered at the handshake: it is checked right after, for
     * the domain its address names (which the handshake does not know), and a refusal is then said in words.
     */
    private static final class AnyClientCertificate implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("not a client");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
