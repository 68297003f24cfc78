package org.wsemail.itests;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SOAP requests written out by hand and sent over a plain HTTP connection, so that a test can send
 * exactly the bytes an attacker would: a security header with any field missing, old or reused,
 * a DOCTYPE, a mismatched SOAPAction. Nothing here is a client a user would run.
 */
public final class SoapRequests {
    public static final String MAIL_NS = "http://wsemail.org/2026/mail";
    public static final String ACTION_BASE = "http://wsemail.org/2026/mail/client/";
    private static final String WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
    private static final String WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
    private static final String TOKEN_PROFILE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0";
    private static final Pattern FAULT_STRING = Pattern.compile("<faultstring[^>]*>(.*?)</faultstring>", Pattern.DOTALL);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final HttpClient http;
    private final URI endpoint;
    private final javax.net.ssl.SSLContext tls;

    /** @param tls trusts the server's CA; the server's certificate must name the address in {@code endpoint} */
    public SoapRequests(URI endpoint, javax.net.ssl.SSLContext tls) {
        this.endpoint = endpoint;
        this.tls = tls;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(tls).build();
    }

    /** What came back: the HTTP status, the body, and the SOAP fault's text if it is a fault. */
    public record Reply(int status, String body) {
        public String faultString() {
            Matcher m = FAULT_STRING.matcher(body);
            return m.find() ? m.group(1) : null;
        }

        public boolean isFault() {
            return faultString() != null;
        }

        @Override
        public String toString() {
            return "HTTP " + status + ": " + (body.length() > 2000 ? body.substring(0, 2000) + "..." : body);
        }
    }

    /** The fields of a UsernameToken and Timestamp; each can be left out or set to anything. */
    public static final class Security {
        public String user;
        public String password;
        public String passwordType = TOKEN_PROFILE + "#PasswordText";
        public String nonce = Base64.getEncoder().encodeToString(randomBytes(16));
        public Instant created = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        public Instant timestampCreated = created;
        public Instant timestampExpires = created.plusSeconds(120);
        public String extraHeaders = "";

        public Security(String user, String password) {
            this.user = user;
            this.password = password;
        }

        public String xml() {
            StringBuilder token = new StringBuilder("<wsse:UsernameToken wsu:Id=\"UT-1\">");
            if (user != null) {
                token.append("<wsse:Username>").append(user).append("</wsse:Username>");
            }
            if (password != null) {
                token.append("<wsse:Password Type=\"").append(passwordType).append("\">").append(password).append("</wsse:Password>");
            }
            if (nonce != null) {
                token.append("<wsse:Nonce EncodingType=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary\">")
                        .append(nonce).append("</wsse:Nonce>");
            }
            if (created != null) {
                token.append("<wsu:Created>").append(created).append("</wsu:Created>");
            }
            token.append("</wsse:UsernameToken>");
            String timestamp = timestampCreated == null ? "" : "<wsu:Timestamp wsu:Id=\"TS-1\"><wsu:Created>" + timestampCreated
                    + "</wsu:Created>" + (timestampExpires == null ? "" : "<wsu:Expires>" + timestampExpires + "</wsu:Expires>")
                    + "</wsu:Timestamp>";
            return extraHeaders + "<wsse:Security xmlns:wsse=\"" + WSSE + "\" xmlns:wsu=\"" + WSU
                    + "\" soap:mustUnderstand=\"1\">" + timestamp + token + "</wsse:Security>";
        }
    }

    public static String envelope(String headers, String body) {
        return "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:m=\"" + MAIL_NS + "\">"
                + "<soap:Header>" + headers + "</soap:Header><soap:Body>" + body + "</soap:Body></soap:Envelope>";
    }

    public Reply post(String operation, String document) throws IOException, InterruptedException {
        return post(ACTION_BASE + operation, document.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public Reply post(String soapAction, byte[] document) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "text/xml; charset=UTF-8").header("SOAPAction", "\"" + soapAction + "\"")
                .POST(HttpRequest.BodyPublishers.ofByteArray(document)).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.body());
    }

    /** An answer as it came over the wire: its HTTP status, its Content-Encoding (null if none) and its body's bytes. */
    public record Encoded(int status, String contentEncoding, byte[] body) {
        /** The body as text, unpacked if it came gzip-compressed. */
        public String text() throws IOException {
            if (!"gzip".equals(contentEncoding)) {
                return new String(body, java.nio.charset.StandardCharsets.UTF_8);
            }
            try (java.io.InputStream in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(body))) {
                return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
        }
    }

    /** Posts as a client that accepts gzip-compressed answers, and returns the answer as it came. */
    public Encoded postAcceptingGzip(String operation, String document) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "text/xml; charset=UTF-8").header("SOAPAction", "\"" + ACTION_BASE + operation + "\"")
                .header("Accept-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofString(document, java.nio.charset.StandardCharsets.UTF_8)).build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        return new Encoded(response.statusCode(), response.headers().firstValue("Content-Encoding").orElse(null), response.body());
    }

    /** Posts the document gzip-compressed, saying so in its Content-Encoding. */
    public Reply postCompressed(String operation, String document) throws IOException, InterruptedException {
        java.io.ByteArrayOutputStream compressed = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(compressed)) {
            gzip.write(document.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "text/xml; charset=UTF-8").header("SOAPAction", "\"" + ACTION_BASE + operation + "\"")
                .header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(compressed.toByteArray())).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.body());
    }

    /**
     * Posts from a chosen local address (any of 127.0.0.0/8 reaches a server on loopback), so that a
     * test can play a client at an address of its own: one HTTP/1.0 request over a TLS socket.
     */
    public Reply postFrom(java.net.InetAddress local, String operation, byte[] document) throws IOException {
        try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) tls.getSocketFactory().createSocket()) {
            socket.bind(new java.net.InetSocketAddress(local, 0));
            socket.connect(new java.net.InetSocketAddress(endpoint.getHost(), endpoint.getPort()), 5000);
            socket.setSoTimeout(30_000);
            String head = "POST " + endpoint.getRawPath() + " HTTP/1.0\r\nHost: " + endpoint.getHost() + ":" + endpoint.getPort()
                    + "\r\nContent-Type: text/xml; charset=UTF-8\r\nSOAPAction: \"" + ACTION_BASE + operation
                    + "\"\r\nContent-Length: " + document.length + "\r\n\r\n";
            java.io.OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            out.write(document);
            out.flush();
            String response = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            int status = Integer.parseInt(response.substring(9, 12));
            int body = response.indexOf("\r\n\r\n");
            return new Reply(status, body < 0 ? "" : response.substring(body + 4));
        }
    }

    public Reply get(String query) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint + query)).timeout(Duration.ofSeconds(30)).GET().build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.body());
    }

    public static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
