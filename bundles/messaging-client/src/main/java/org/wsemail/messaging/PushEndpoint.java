package org.wsemail.messaging;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

/**
 * The small HTTPS SOAP endpoint a listening client runs so that its server can push instant messages
 * to it (the paper's "client now viewed as a server"). Its certificate is made for the run and
 * never leaves the process; the client tells its server the certificate's SHA-256 fingerprint when
 * it registers, over its authenticated connection, and the server pushes to that certificate alone.
 * Each pushed message (its signed XML) goes to the consumer given; the server learns it arrived
 * from the answer.
 */
public final class PushEndpoint implements AutoCloseable {
    static final String NAMESPACE = "http://wsemail.org/2026/im";
    private static final int MOST_BYTES = 16 * 1024 * 1024;

    private final HttpsServer server;
    private final ExecutorService threads;
    private final String host;
    private final String fingerprint;

    /**
     * Listens on {@code bind} (port 0: any free port), to be reached at {@code advertisedHost}.
     *
     * @param received gets the signed XML of each message pushed; called on the endpoint's threads
     */
    public PushEndpoint(InetSocketAddress bind, String advertisedHost, Consumer<String> received) throws IOException {
        KeyPair key;
        X509Certificate certificate;
        SSLContext tls;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(256);
            key = generator.generateKeyPair();
            Instant now = Instant.now();
            X500Name name = new X500Name("CN=wsemail push endpoint");
            certificate = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name,
                    new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofMinutes(5))),
                    Date.from(now.plus(Duration.ofDays(2))), name, key.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
            char[] transientPassword = HexFormat.of().formatHex(new SecureRandom().generateSeed(16)).toCharArray();
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("push", key.getPrivate(), transientPassword, new Certificate[] {certificate});
            KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            managers.init(store, transientPassword);
            tls = SSLContext.getInstance("TLS");
            tls.init(managers.getKeyManagers(), null, null);
            this.fingerprint = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException("cannot make the push endpoint's certificate", e);
        }
        this.host = advertisedHost;
        this.server = HttpsServer.create(bind, 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        this.threads = Executors.newFixedThreadPool(2, task -> {
            Thread thread = new Thread(task, "wsemail-push-endpoint");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(threads);
        server.createContext("/im", exchange -> handle(exchange, received));
        server.start();
    }

    /** The host the server is told to reach this endpoint at: the local address the client reaches its server from. */
    public static String reachableHost(String serverHost, int serverPort) throws IOException {
        try (java.net.DatagramSocket probe = new java.net.DatagramSocket()) {
            probe.connect(InetAddress.getByName(serverHost), serverPort);
            return probe.getLocalAddress().getHostAddress();
        }
    }

    public String url() {
        String literal = host.contains(":") ? "[" + host + "]" : host;
        return "https://" + literal + ":" + server.getAddress().getPort() + "/im";
    }

    public String fingerprint() {
        return fingerprint;
    }

    private static void handle(HttpExchange exchange, Consumer<String> received) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readNBytes(MOST_BYTES + 1);
            }
            String message = body.length > MOST_BYTES ? null : message(body);
            if (message == null) {
                exchange.sendResponseHeaders(400, -1);
                return;
            }
            received.accept(message);
            byte[] answer = ("<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body><im:pushed xmlns:im=\""
                    + NAMESPACE + "\"/></soap:Body></soap:Envelope>").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/xml; charset=UTF-8");
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        }
    }

    /** The signed XML in a push request, or null if it is not one. */
    static String message(byte[] envelope) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setExpandEntityReferences(false);
            javax.xml.parsers.DocumentBuilder parser = factory.newDocumentBuilder();
            parser.setErrorHandler(new org.xml.sax.helpers.DefaultHandler());
            Document document = parser.parse(new ByteArrayInputStream(envelope));
            NodeList messages = document.getElementsByTagNameNS(NAMESPACE, "message");
            return messages.getLength() == 1 ? messages.item(0).getTextContent() : null;
        } catch (Exception e) {
            return null;
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
