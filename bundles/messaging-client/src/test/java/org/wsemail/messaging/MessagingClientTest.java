package org.wsemail.messaging;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import org.junit.Test;

/** The push endpoint takes a pushed message over real TLS; invitations read back; bad pushes refused. */
public class MessagingClientTest {
    private static final String SIGNED = "<message xmlns=\"http://wsemail.org/2026/mail\"><body>a &lt; b</body></message>";

    @Test
    public void thePushEndpointTakesAMessageOverTlsWithTheCertificateItsFingerprintNames() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        try (PushEndpoint endpoint = new PushEndpoint(new InetSocketAddress("127.0.0.1", 0), "127.0.0.1", received::add)) {
            String[] presented = new String[1];
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                    try {
                        presented[0] = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(chain[0].getEncoded()));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            HttpsURLConnection connection = (HttpsURLConnection) new URL(endpoint.url()).openConnection();
            connection.setSSLSocketFactory(tls.getSocketFactory());
            connection.setHostnameVerifier((host, session) -> true);
            connection.setRequestMethod("POST");
            connection.setDoOutput(true);
            String escaped = SIGNED.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
            try (OutputStream out = connection.getOutputStream()) {
                out.write(("<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body><im:push xmlns:im=\""
                        + PushEndpoint.NAMESPACE + "\"><im:message>" + escaped + "</im:message></im:push></soap:Body></soap:Envelope>")
                        .getBytes(StandardCharsets.UTF_8));
            }
            assertEquals(200, connection.getResponseCode());
            assertEquals(List.of(SIGNED), received);
            assertEquals("the certificate it presents is the one it tells the server", endpoint.fingerprint(), presented[0]);
        }
    }

    @Test
    public void somethingThatIsNotAPushIsNotTaken() {
        assertNull(PushEndpoint.message("<x/>".getBytes(StandardCharsets.UTF_8)));
        assertNull(PushEndpoint.message("<!DOCTYPE x [<!ENTITY e \"boom\">]><x>&e;</x>".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    public void anInvitationsFieldsAreReadBack() {
        Map<String, String> fields = PartyCommand.fields("PARTY-LINE INVITATION\nchannel: abc123\nhost: 127.0.0.7\nport: 8449\n"
                + "expires: 2026-12-02T10:00:00Z\nfingerprint: ab:cd\nmembers: a@a.test, b@b.test\n\nJoin with: wsemail party join abc123");
        assertEquals("abc123", fields.get("channel"));
        assertEquals("8449", fields.get("port"));
        assertEquals("a@a.test, b@b.test", fields.get("members"));
    }
}
