package org.wsemail.plugins.instantmessaging;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

import org.wsemail.api.NetworkAddresses;

/**
 * A client's own HTTPS endpoint, where the server posts its instant messages (the paper's "client
 * viewed as a server"). The client's certificate is its own, made for the run, so it is not checked
 * against any authority: the client named its SHA-256 fingerprint when it registered, over its
 * authenticated connection, and the server talks to that certificate alone.
 */
final class PushTarget {
    static final String NAMESPACE = "http://wsemail.org/2026/im";

    private final URI url;
    private final String fingerprint;
    /** A connection idle longer than this is not reused: the client's end may have closed it meanwhile. */
    private static final Duration IDLE = Duration.ofSeconds(20);

    private final SSLSocketFactory tls;
    /** The connection kept open between pushes, so that a push costs no TLS handshake; guarded by this. */
    private SSLSocket connection;
    private long lastUsed;

    private PushTarget(URI url, String fingerprint) {
        this.url = url;
        this.fingerprint = fingerprint;
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new Pinned(fingerprint)}, null);
            this.tls = context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS for pushing", e);
        }
    }

    /**
     * The endpoint a client named, checked: an {@code https} URL with a host and port, whose host is
     * a public address unless {@code allowInternal}, and a SHA-256 fingerprint in hex.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    static PushTarget parse(String url, String fingerprint, boolean allowInternal) {
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
        return new PushTarget(uri, pin);
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
    synchronized void push(String signedXml, Duration timeout) throws IOException {
        byte[] body = envelope(signedXml).getBytes(StandardCharsets.UTF_8);
        boolean reused = connection != null && System.nanoTime() - lastUsed < IDLE.toNanos();
        if (!reused) {
            close();
        }
        try {
            post(body, timeout);
        } catch (IOException e) {
            close();
            if (!reused) {
                throw e;
            }
            // The kept connection had gone stale: once more on a new one.
            post(body, timeout);
        }
    }

    /** One HTTP/1.1 POST on the kept connection (opened if need be); the answer must be 200. */
    private void post(byte[] body, Duration timeout) throws IOException {
        if (connection == null) {
            connection = (SSLSocket) tls.createSocket();
            connection.connect(new InetSocketAddress(url.getHost(), url.getPort()), (int) timeout.toMillis());
            connection.startHandshake();
        }
        connection.setSoTimeout((int) timeout.toMillis());
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        String head = "POST " + path + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + url.getPort()
                + "\r\nContent-Type: text/xml; charset=UTF-8\r\nSOAPAction: \"" + NAMESPACE + "/push\"\r\nContent-Length: "
                + body.length + "\r\n\r\n";
        OutputStream out = connection.getOutputStream();
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
        InputStream in = connection.getInputStream();
        String status = line(in);
        if (status == null) {
            throw new IOException(url + " closed the connection without an answer");
        }
        long length = -1;
        boolean close = false;
        for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(header.substring(15).trim());
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                close = true;
            }
        }
        if (length < 0) {
            in.readAllBytes();
            close = true;
        } else {
            in.skipNBytes(length);
        }
        lastUsed = System.nanoTime();
        if (close) {
            close();
        }
        String[] parts = status.split(" ");
        if (parts.length < 2 || !"200".equals(parts[1])) {
            throw new IOException(url + " answered " + status);
        }
    }

    /** A header line, without its end; null at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != -1; c = in.read()) {
            if (c == '\n') {
                return line.toString();
            }
            if (c != '\r') {
                line.append((char) c);
            }
            if (line.length() > 8192) {
                throw new IOException("an answer header longer than 8 KiB");
            }
        }
        return line.length() == 0 ? null : line.toString();
    }

    /** Closes the kept connection, if any. */
    synchronized void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (IOException e) {
                // gone already
            }
            connection = null;
        }
    }

    /** The SOAP request that carries a message: its signed XML, as text, so that not a byte changes. */
    static String envelope(String signedXml) {
        String escaped = signedXml.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
        return "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>"
                + "<im:push xmlns:im=\"" + NAMESPACE + "\"><im:message>" + escaped + "</im:message></im:push>"
                + "</soap:Body></soap:Envelope>";
    }

    /**
     * Trusts exactly the certificate with the pinned fingerprint, whatever host name it carries (it is
     * the one the client named); an extended trust manager, so that no host name check is added.
     */
    private static final class Pinned extends X509ExtendedTrustManager {
        private final String fingerprint;

        Pinned(String fingerprint) {
            this.fingerprint = fingerprint;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
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
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
