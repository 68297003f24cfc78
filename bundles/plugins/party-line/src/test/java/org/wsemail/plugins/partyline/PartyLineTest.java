package org.wsemail.plugins.partyline;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.w3c.dom.Element;
import org.wsemail.api.Address;
import org.wsemail.api.AuthenticationMethod;
import org.wsemail.api.MailMessage;
import org.wsemail.api.MessageFlag;
import org.wsemail.api.ProcessingEnvironment;
import org.wsemail.api.plugin.ExtensionException;
import org.wsemail.api.plugin.PluginXml;
import org.wsemail.api.server.TlsCredentials;
import org.wsemail.api.server.TrustedRoots;
import org.wsemail.security.Pki;
import org.wsemail.testing.Configs;
import org.wsemail.testing.RecordingMailContext;

/**
 * A channel on a real TLS port: invited members with trusted certificates talk, everyone else is
 * refused with the reason. The server's roots are a stand-in bound to a.test and b.test.
 */
public class PartyLineTest {
    private static final Duration DAY = Duration.ofDays(1);
    private static final Pki.CertifiedKey CA = Pki.createAuthority("a and b CA", DAY);
    private static final Pki.CertifiedKey SERVER = Pki.issueServerCertificate(CA, "a.test", DAY);
    private static final Address ALICE = Address.parse("alice@a.test");
    private static final Address ANNE = Address.parse("anne@a.test");
    private static final Address BOB = Address.parse("bob@b.test");

    private final RecordingMailContext context = new RecordingMailContext("a.test", ALICE, ANNE);
    private PartyLine plugin;

    @Before
    public void start() throws Exception {
        plugin = new PartyLine(Configs.of(PartyLine.Config.class).with("port", 0).with("host", "127.0.0.1").build(), context,
                credentials(), roots(), java.time.Clock.systemUTC());
    }

    @After
    public void stop() {
        plugin.deactivate();
    }

    /** The server's TLS key. */
    private static TlsCredentials credentials() {
        return new TlsCredentials() {
            @Override
            public KeyManager[] keyManagers() {
                return PartyLineTest.keyManagers(SERVER);
            }

            @Override
            public TrustManager[] trustManagers() {
                throw new UnsupportedOperationException();
            }

            @Override
            public TrustManager[] trustManagersFor(String domain) {
                throw new UnsupportedOperationException();
            }

            @Override
            public AnswerKey answerKey() {
                throw new UnsupportedOperationException();
            }
        };
    }

    /** Trusts chains from CA, for a.test and b.test only. */
    private static TrustedRoots roots() {
        return new TrustedRoots() {
            @Override
            public List<X509Certificate> roots() {
                return List.of(CA.certificate());
            }

            @Override
            public Set<String> domains(X509Certificate root) {
                return Set.of("a.test", "b.test");
            }

            @Override
            public List<X509Certificate> rootsFor(String domain) {
                return Set.of("a.test", "b.test").contains(domain) ? roots() : List.of();
            }

            @Override
            public boolean add(X509Certificate root, Set<String> domains) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void check(List<X509Certificate> chain, String domain) throws CertificateException {
                if (rootsFor(domain).isEmpty()) {
                    throw new CertificateException("no trusted root may certify " + domain);
                }
                try {
                    chain.get(0).verify(CA.certificate().getPublicKey());
                } catch (java.security.GeneralSecurityException e) {
                    throw new CertificateException("does not lead to a trusted root");
                }
            }
        };
    }

    private static KeyManager[] keyManagers(Pki.CertifiedKey key) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("k", key.keyPair().getPrivate(), "pw".toCharArray(), new Certificate[] {key.certificate()});
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, "pw".toCharArray());
            return factory.getKeyManagers();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A participant's connection; trusts the server's certificate. */
    private final class Member implements AutoCloseable {
        final SSLSocket socket;
        final BufferedReader in;
        final Writer out;

        Member(Pki.CertifiedKey certificate, String channel) throws Exception {
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(certificate == null ? null : keyManagers(certificate), new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                    if (!chain[0].equals(SERVER.certificate())) {
                        throw new CertificateException("not the party line's server");
                    }
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", plugin.port());
            socket.setSoTimeout(10_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8);
            say("JOIN " + channel);
        }

        void say(String line) throws Exception {
            out.write(line + "\n");
            out.flush();
        }

        String hear() throws Exception {
            return in.readLine();
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }

    private Element start(Address... guests) throws ExtensionException {
        Element request = PluginXml.answer("start");
        request.setAttribute("expires", "600");
        for (Address guest : guests) {
            PluginXml.add(request, "member").setAttribute("address", guest.toString());
        }
        return plugin.handle(request, ProcessingEnvironment.of(ALICE, AuthenticationMethod.USERNAME_TOKEN, true));
    }

    @Test
    public void invitedMembersWithTrustedCertificatesTalkAndSeeEachOtherComeAndGo() throws Exception {
        Element channel = start(ANNE, BOB);
        String id = channel.getAttribute("id");
        MailMessage invitation = context.submitted().get(0);
        assertEquals(List.of(ANNE, BOB), invitation.recipients());
        assertEquals(Set.of(MessageFlag.INSTANT_MESSAGE, MessageFlag.DIRECT_CONNECT_INVITATION), invitation.flags());
        assertTrue(invitation.body(), invitation.body().contains("channel: " + id + "\nhost: 127.0.0.1\nport: " + plugin.port()));
        assertTrue(invitation.body(), invitation.body().contains("fingerprint: " + channel.getAttribute("fingerprint")));

        try (Member alice = new Member(Pki.issueUserCertificate(CA, "alice@a.test", DAY), id);
                Member bob = new Member(Pki.issueUserCertificate(CA, "bob@b.test", DAY), id)) {
            assertEquals("WELCOME " + id + " members: alice@a.test", alice.hear());
            assertEquals("WELCOME " + id + " members: alice@a.test, bob@b.test", bob.hear());
            assertEquals("* bob@b.test joined", alice.hear());
            bob.say("Hello from b.test");
            assertEquals("bob@b.test: Hello from b.test", alice.hear());
            alice.say("Welcome!");
            assertEquals("alice@a.test: Welcome!", bob.hear());
            bob.close();
            assertEquals("* bob@b.test left", alice.hear());
        }
    }

    @Test
    public void strangersUntrustedCertificatesAndNoCertificateAreRefusedWithTheReason() throws Exception {
        String id = start(ANNE).getAttribute("id");
        try (Member eve = new Member(Pki.issueUserCertificate(CA, "eve@a.test", DAY), id)) {
            assertEquals("REFUSED eve@a.test is not invited to channel " + id, eve.hear());
        }
        Pki.CertifiedKey otherCa = Pki.createAuthority("Mallory's CA", DAY);
        try (Member forged = new Member(Pki.issueUserCertificate(otherCa, "anne@a.test", DAY), id)) {
            assertEquals("REFUSED the certificate of anne@a.test is not trusted here: does not lead to a trusted root", forged.hear());
        }
        try (Member anonymous = new Member(null, id)) {
            assertEquals("REFUSED a party line needs your user certificate: connect with it", anonymous.hear());
        }
        try (Member lost = new Member(Pki.issueUserCertificate(CA, "anne@a.test", DAY), "nosuchchannel")) {
            assertEquals("REFUSED no open channel nosuchchannel", lost.hear());
        }
    }

    @Test
    public void onlyUsersOfTheDomainStartChannelsAndAChannelClosesWhenEveryoneHasLeft() throws Exception {
        try {
            plugin.handle(PluginXml.answer("start"), ProcessingEnvironment.of(BOB, AuthenticationMethod.FEDERATED_TOKEN, false));
            fail("a visitor started a channel");
        } catch (ExtensionException expected) {
            assertEquals("only users of a.test start party lines here", expected.getMessage());
        }
        String id = start(ANNE).getAttribute("id");
        try (Member anne = new Member(Pki.issueUserCertificate(CA, "anne@a.test", DAY), id)) {
            assertTrue(anne.hear().startsWith("WELCOME"));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String answer;
        do {
            try (Member late = new Member(Pki.issueUserCertificate(CA, "alice@a.test", DAY), id)) {
                answer = late.hear();
            }
        } while (answer.startsWith("WELCOME") && System.nanoTime() < deadline);
        assertEquals("REFUSED no open channel " + id, answer);
    }
}
