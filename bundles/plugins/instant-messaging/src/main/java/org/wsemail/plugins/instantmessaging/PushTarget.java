package org.wsemail.plugins.instantmessaging;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
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

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

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
    private final SSLSocketFactory tls;

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
    void push(String signedXml, Duration timeout) throws IOException {
        byte[] envelope = envelope(signedXml).getBytes(StandardCharsets.UTF_8);
        HttpsURLConnection connection = (HttpsURLConnection) url.toURL().openConnection();
        connection.setSSLSocketFactory(tls);
        // The certificate is pinned: whatever host name it carries, it is the one the client named.
        connection.setHostnameVerifier((host, session) -> true);
        connection.setConnectTimeout((int) timeout.toMillis());
        connection.setReadTimeout((int) timeout.toMillis());
        connection.setRequestMethod("POST");
        connection.setDoOutput(true);
        connection.setRequestProperty("Content-Type", "text/xml; charset=UTF-8");
        connection.setRequestProperty("SOAPAction", "\"" + NAMESPACE + "/push\"");
        connection.setFixedLengthStreamingMode(envelope.length);
        try (OutputStream out = connection.getOutputStream()) {
            out.write(envelope);
        }
        int status = connection.getResponseCode();
        try (InputStream in = status < HttpURLConnection.HTTP_BAD_REQUEST ? connection.getInputStream() : connection.getErrorStream()) {
            if (in != null) {
                in.readAllBytes();
            }
        }
        if (status != HttpURLConnection.HTTP_OK) {
            throw new IOException(url + " answered HTTP " + status);
        }
    }

    /** The SOAP request that carries a message: its signed XML, as text, so that not a byte changes. */
    static String envelope(String signedXml) {
        String escaped = signedXml.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
        return "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>"
                + "<im:push xmlns:im=\"" + NAMESPACE + "\"><im:message>" + escaped + "</im:message></im:push>"
                + "</soap:Body></soap:Envelope>";
    }

    /** Trusts exactly the certificate with the pinned fingerprint. */
    private static final class Pinned implements X509TrustManager {
        private final String fingerprint;

        Pinned(String fingerprint) {
            this.fingerprint = fingerprint;
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
