package org.wsemail.plugins.instantmessaging;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

import org.wsemail.api.NetworkAddresses;

/**
 * A client's own HTTPS endpoint, where the server posts its instant messages (the paper's "client
 * viewed as a server"). The client's certificate is its own, made for the run, so it is not checked
 * against any authority: the client named its SHA-256 fingerprint when it registered, over its
 * authenticated connection, and the server talks to that certificate alone. Pushes go through the
 * plug-in's one {@link Pusher}, whose HTTP client keeps connections alive between them.
 */
final class PushTarget {
    static final String NAMESPACE = "http://wsemail.org/2026/im";

    private final URI url;
    private final String fingerprint;
    private final Pusher pusher;

    private PushTarget(URI url, String fingerprint, Pusher pusher) {
        this.url = url;
        this.fingerprint = fingerprint;
        this.pusher = pusher;
    }

    /**
     * The endpoint a client named, checked: an {@code https} URL with a host and port, whose host is
     * a public address unless {@code allowInternal}, and a SHA-256 fingerprint in hex. From now on
     * {@code pusher} accepts that certificate, and only that one, at that host and port.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    static PushTarget parse(String url, String fingerprint, boolean allowInternal, Pusher pusher) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + url);
        }
        if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 1) {
            throw new IllegalArgumentException("a push endpoint is an https URL with a host and a port, not " + url);
        }
        String pin = fingerprint == null ? "" : fingerprint.replace(":", "").toLowerCase(Locale.ROOT);
        if (!pin.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("give the SHA-256 fingerprint of the push endpoint's certificate, 64 hex digits");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(uri.getHost());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown host " + uri.getHost());
        }
        if (!allowInternal && NetworkAddresses.isInternal(address)) {
            throw new IllegalArgumentException(address.getHostAddress() + " is an internal address (loopback, private or"
                    + " link-local); this server pushes to public addresses only; poll instead");
        }
        PushTarget target = new PushTarget(uri, pin, pusher);
        pusher.pin(target);
        return target;
    }

    URI url() {
        return url;
    }

    String fingerprint() {
        return fingerprint;
    }

    /**
     * Posts the signed message to the client, which must answer 200 within {@code timeout}.
     *
     * @throws IOException if it could not be reached or refused it
     */
    void push(String signedXml, Duration timeout) throws IOException {
        pusher.push(this, signedXml, timeout);
    }

    /** The client is gone: its certificate is no longer accepted there. */
    void close() {
        pusher.unpin(this);
    }

    /** Where the endpoint listens, as its TLS peer is named: {@code host:port}. */
    String peer() {
        return url.getHost().toLowerCase(Locale.ROOT) + ":" + url.getPort();
    }

    /** The SOAP request that carries a message: its signed XML, as text, so that not a byte changes. */
    static String envelope(String signedXml) {
        String escaped = signedXml.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
        return "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>"
                + "<im:push xmlns:im=\"" + NAMESPACE + "\"><im:message>" + escaped + "</im:message></im:push>"
                + "</soap:Body></soap:Envelope>";
    }

    /**
     * Posts to the clients' push endpoints over one HTTP/1.1 client (the JDK's), which keeps each
     * endpoint's connection alive between pushes so that a push costs no new TLS handshake. Its TLS
     * accepts at each endpoint exactly the certificate pinned for it, whatever host name it carries.
     * One per plug-in instance; thread-safe. The JDK's client has no close in Java 17: its thread
     * ends once the plug-in drops it.
     */
    static final class Pusher {
        /** Each endpoint's certificate fingerprint, by {@code host:port}. */
        private final Map<String, String> pins = new ConcurrentHashMap<>();
        private final HttpClient http;

        Pusher(Duration connectTimeout) {
            try {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, new TrustManager[] {new Pinned(pins)}, null);
                this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(context)
                        .connectTimeout(connectTimeout).build();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot set up TLS for pushing", e);
            }
        }

        void pin(PushTarget target) {
            pins.put(target.peer(), target.fingerprint);
        }

        void unpin(PushTarget target) {
            pins.remove(target.peer(), target.fingerprint);
        }

        void push(PushTarget target, String signedXml, Duration timeout) throws IOException {
            HttpRequest request = HttpRequest.newBuilder(target.url).timeout(timeout)
                    .header("Content-Type", "text/xml; charset=UTF-8")
                    .header("SOAPAction", "\"" + NAMESPACE + "/push\"")
                    .POST(HttpRequest.BodyPublishers.ofString(envelope(signedXml), StandardCharsets.UTF_8)).build();
            HttpResponse<Void> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.discarding());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while pushing to " + target.url, e);
            }
            if (response.statusCode() != 200) {
                throw new IOException(target.url + " answered " + response.statusCode());
            }
        }
    }

    /**
     * Trusts at each endpoint exactly the certificate pinned for its host and port; an extended trust
     * manager, so that no host name check is added.
     */
    private static final class Pinned extends X509ExtendedTrustManager {
        private final Map<String, String> pins;

        Pinned(Map<String, String> pins) {
            this.pins = pins;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            check(chain, engine.getPeerHost() + ":" + engine.getPeerPort());
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            throw new CertificateException("pushes go through the HTTP client's engines only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("pushes go through the HTTP client's engines only");
        }

        private void check(X509Certificate[] chain, String peer) throws CertificateException {
            String fingerprint = pins.get(peer.toLowerCase(Locale.ROOT));
            if (fingerprint == null) {
                throw new CertificateException("no client registered a push endpoint at " + peer);
            }
            if (chain == null || chain.length == 0) {
                throw new CertificateException("the push endpoint presented no certificate");
            }
            String presented;
            try {
                presented = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(chain[0].getEncoded()));
            } catch (GeneralSecurityException e) {
                throw new CertificateException(e);
            }
            if (!MessageDigest.isEqual(presented.getBytes(StandardCharsets.US_ASCII), fingerprint.getBytes(StandardCharsets.US_ASCII))) {
                throw new CertificateException("the push endpoint's certificate is not the one its client registered");
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
