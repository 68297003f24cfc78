package org.wsemail.security.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.net.ssl.X509TrustManager;

import org.junit.Test;
import org.wsemail.security.Pki;

/**
 * Trust is bound to domains: three domains, two authorities. a.test's own authority may certify
 * a.test and b.test; c.test's authority only c.test, so whatever it says about a.test or b.test is
 * refused, in message signatures and tokens (check) and in TLS (trustManagersFor) alike.
 */
public class KeyStoreTrustedRootsTest {
    private static final Duration DAY = Duration.ofDays(1);
    private static final Pki.CertifiedKey SHARED = Pki.createAuthority("a and b CA", DAY);
    private static final Pki.CertifiedKey C_CA = Pki.createAuthority("c.test CA", DAY);

    private final KeyStoreTrustedRoots roots = new KeyStoreTrustedRoots(Map.of(
            SHARED.certificate(), Set.of("a.test", "b.test"), C_CA.certificate(), Set.of("c.test")));

    private static List<X509Certificate> chain(Pki.CertifiedKey authority, String domain) {
        return List.of(Pki.issueServerCertificate(authority, domain, DAY).certificate(), authority.certificate());
    }

    @Test
    public void eachRootVouchesOnlyForItsOwnDomains() throws Exception {
        assertEquals(List.of(SHARED.certificate()), roots.rootsFor("A.test"));
        assertEquals(List.of(C_CA.certificate()), roots.rootsFor("c.test"));
        assertEquals(List.of(), roots.rootsFor("d.test"));

        roots.check(chain(SHARED, "b.test"), "b.test");
        roots.check(chain(C_CA, "c.test"), "c.test");
        assertRefused(() -> roots.check(chain(C_CA, "b.test"), "b.test"),
                "is not trusted for b.test: Path does not chain with any of the trust anchors");
        assertRefused(() -> roots.check(chain(C_CA, "d.test"), "d.test"), "no trusted root may certify d.test");
    }

    @Test
    public void tlsToADomainAcceptsOnlyItsRootsAndACertificateNamingIt() throws Exception {
        ServerTls tls = new ServerTls(null, roots);
        X509TrustManager forB = (X509TrustManager) tls.trustManagersFor("b.test")[0];
        forB.checkServerTrusted(chain(SHARED, "b.test").toArray(new X509Certificate[0]), "RSA");
        assertRefused(() -> forB.checkServerTrusted(chain(C_CA, "b.test").toArray(new X509Certificate[0]), "RSA"),
                "not trusted for b.test");
        assertRefused(() -> forB.checkServerTrusted(chain(SHARED, "a.test").toArray(new X509Certificate[0]), "RSA"), "b.test");
        assertEquals("a handshake offers only the domain's roots", List.of(SHARED.certificate()), List.of(forB.getAcceptedIssuers()));
    }

    @Test
    public void anAuthorityWithNameConstraintsCannotCertifyBeyondThemWhateverItIsBoundTo() throws Exception {
        Pki.CertifiedKey constrained = Pki.createAuthority("d.test CA", DAY, "d.test");
        assertEquals(Set.of("d.test"), Pki.permittedDomains(constrained.certificate()));
        KeyStoreTrustedRoots generous = new KeyStoreTrustedRoots(Map.of(constrained.certificate(), Set.of("d.test", "e.test")));
        generous.check(chain(constrained, "mail.d.test"), "d.test");
        assertRefused(() -> generous.check(chain(constrained, "e.test"), "e.test"), "e.test lies outside the name constraints");
    }

    private interface Check {
        void run() throws Exception;
    }

    private static void assertRefused(Check check, String part) {
        try {
            check.run();
            fail("accepted; expected a refusal mentioning " + part);
        } catch (CertificateException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains(part));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
