package org.wsemail.security.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.wsemail.api.Address;
import org.wsemail.api.server.CertificateAuthority;
import org.wsemail.api.server.CertificateAuthority.Issued;
import org.wsemail.api.server.TrustedRoots;
import org.wsemail.security.Pki;
import org.wsemail.testing.InMemoryConfigurationAdmin;

/** The domain's authority on real files, with real keys: what it issues logs in until it is revoked. */
public class FileCertificateAuthorityTest {
    private static final char[] SECRET = "p12-secret".toCharArray();

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    private final List<X509Certificate> trusted = new ArrayList<>();
    private final InMemoryConfigurationAdmin configuration = new InMemoryConfigurationAdmin();
    private FileCertificateAuthority authority;
    private Path etc;

    @Before
    public void createAuthority() throws Exception {
        etc = folder.newFolder("etc").toPath();
        TrustedRoots roots = new TrustedRoots() {
            @Override
            public List<X509Certificate> roots() {
                return trusted;
            }

            @Override
            public java.util.Set<String> domains(X509Certificate root) {
                return trusted.contains(root) ? java.util.Set.of("a.test") : java.util.Set.of();
            }

            @Override
            public List<X509Certificate> rootsFor(String domain) {
                return trusted;
            }

            @Override
            public boolean add(X509Certificate root, java.util.Set<String> domains) {
                return trusted.add(root);
            }

            @Override
            public void check(List<X509Certificate> chain, String domain) {
                throw new UnsupportedOperationException();
            }
        };
        authority = new FileCertificateAuthority(etc, new char[0], () -> "a.test", roots, configuration.service());
    }

    @Test
    public void withoutAnAuthorityNothingIsIssuedAndTheShellSaysWhatToDo() {
        assertFalse(authority.exists());
        try {
            authority.issueUser(Address.parse("alice@a.test"), SECRET, Duration.ofDays(1));
            fail("issued without an authority");
        } catch (CertificateAuthority.NoAuthorityException expected) {
            assertEquals("a.test has no certificate authority yet; create one with wsemail:ca-create", expected.getMessage());
        }
    }

    @Test
    public void aUserCertificateLogsItsUserInUntilItIsRevoked() throws Exception {
        X509Certificate ca = authority.create(Duration.ofDays(30));
        assertTrue(authority.exists());
        assertEquals(List.of(ca), trusted);
        assertTrue(Files.exists(etc.resolve("wsemail-ca.pem")));
        assertTrue("the password is recorded", configuration.properties(SecuritySettings.PID).get("ca.password") != null);
        try {
            authority.create(Duration.ofDays(30));
            fail("created a second authority");
        } catch (IllegalStateException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().startsWith("this domain has a certificate authority already"));
        }

        List<X509Certificate> alice = chain(authority.issueUser(Address.parse("alice@a.test"), SECRET, Duration.ofDays(1)));
        assertEquals(Address.parse("alice@a.test"), authority.authenticate(alice));

        List<Issued> issued = authority.issued();
        assertEquals(1, issued.size());
        assertEquals(Issued.Kind.USER, issued.get(0).kind());
        assertEquals("valid", issued.get(0).status(Instant.now()));
        BigInteger serial = alice.get(0).getSerialNumber();
        assertEquals(serial, issued.get(0).serial());

        authority.revoke(serial);
        assertEquals("revoked", authority.issued().get(0).status(Instant.now()));
        assertRefused(alice, "is revoked");
        try {
            authority.revoke(BigInteger.TEN);
            fail("revoked a serial it never issued");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().startsWith("this authority issued no certificate with serial a"));
        }
    }

    @Test
    public void onlyItsOwnUsersCertificatesFromItsOwnKeyLogIn() throws Exception {
        authority.create(Duration.ofDays(30));
        try {
            authority.issueUser(Address.parse("bob@b.test"), SECRET, Duration.ofDays(1));
            fail("issued a certificate for another domain's user");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("is not a user of a.test"));
        }

        // A certificate for alice from another CA (even one this server trusts for signatures) is refused.
        Pki.CertifiedKey otherCa = Pki.createAuthority("Other CA", Duration.ofDays(1));
        trusted.add(otherCa.certificate());
        Pki.CertifiedKey forged = Pki.issueUserCertificate(otherCa, "alice@a.test", Duration.ofDays(1));
        assertRefused(List.of(forged.certificate(), otherCa.certificate()), "was not issued by the authority of a.test");

        // A server certificate of the domain names no user.
        List<X509Certificate> server = chain(authority.issueServer(List.of("mail.a.test"), SECRET, Duration.ofDays(1)));
        assertRefused(server, "names exactly one address");
        assertEquals(Issued.Kind.SERVER, authority.issued().get(0).kind());
    }

    @Test
    public void aServersCredentialsHoldItsTlsKeyAndAnEd25519MessageSigningKeyFromTheAuthority() throws Exception {
        X509Certificate ca = authority.create(Duration.ofDays(30));

        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(new ByteArrayInputStream(authority.issueServer(List.of("mail.a.test"), SECRET, Duration.ofDays(1))), SECRET);

        assertEquals(Set.of("server", Pki.MESSAGE_SIGNING_ALIAS), Set.copyOf(java.util.Collections.list(store.aliases())));
        X509Certificate tls = (X509Certificate) store.getCertificate("server");
        X509Certificate signing = (X509Certificate) store.getCertificate(Pki.MESSAGE_SIGNING_ALIAS);
        assertEquals("RSA", tls.getPublicKey().getAlgorithm());
        assertEquals("EdDSA", store.getKey(Pki.MESSAGE_SIGNING_ALIAS, SECRET).getAlgorithm());
        assertEquals(Set.of("a.test"), org.wsemail.wire.security.DomainTls.dnsNames(signing));
        signing.verify(ca.getPublicKey());
        assertEquals(ca, store.getCertificateChain(Pki.MESSAGE_SIGNING_ALIAS)[1]);
        assertEquals("both are listed as issued to the server", 2,
                authority.issued().stream().filter(issued -> issued.kind() == Issued.Kind.SERVER).count());
    }

    private void assertRefused(List<X509Certificate> chain, String reason) {
        try {
            authority.authenticate(chain);
            fail("logged in with " + chain.get(0).getSubjectX500Principal());
        } catch (GeneralSecurityException expected) {
            assertTrue("'" + expected.getMessage() + "' should say '" + reason + "'", expected.getMessage().contains(reason));
        }
    }

    private static List<X509Certificate> chain(byte[] pkcs12) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(new ByteArrayInputStream(pkcs12), SECRET);
        String alias = store.containsAlias("server") ? "server" : store.aliases().nextElement();
        List<X509Certificate> chain = new ArrayList<>();
        for (var certificate : store.getCertificateChain(alias)) {
            chain.add((X509Certificate) certificate);
        }
        return chain;
    }
}
