package org.wsemail.security.internal;

import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.wsemail.security.Pki;
import org.wsemail.testing.Configs;
import org.wsemail.testing.SrvOnlyResolver;

/** Revocation of other domains' server certificates, with real keys and signed lists. */
public class RevocationListsTest {
    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    private static final Pki.CertifiedKey B_CA = Pki.createAuthority("B CA", Duration.ofDays(10), "b.test");
    private static final Pki.CertifiedKey B_SERVER = Pki.issueServerCertificate(B_CA, "b.test", Duration.ofDays(10));

    /** b.test's servers cannot be reached: lists come from files or not at all. */
    private RevocationLists lists(Path etc, String mode) {
        return new RevocationLists(Configs.of(RevocationLists.Config.class).with("revocation_check", mode).build(), etc,
                new SrvOnlyResolver(domain -> List.of()), Clock.systemUTC());
    }

    private KeyStoreTrustedRoots roots(Revocation revocation) {
        return new KeyStoreTrustedRoots(Map.of(B_CA.certificate(), Set.of("b.test")), revocation);
    }

    private static void place(Path etc, String name, Pki.CertifiedKey signer, Map<BigInteger, Instant> revoked,
            Duration nextUpdate) throws Exception {
        Path placed = Files.createDirectories(etc.resolve(RevocationLists.PLACED));
        Files.write(placed.resolve(name), Pki.createCrl(signer, revoked, nextUpdate).getEncoded());
    }

    @Test
    public void aCurrentSignedListIsUsedAndARevokedServerIsRefused() throws Exception {
        Path etc = folder.newFolder("etc").toPath();
        place(etc, "b.crl", B_CA, Map.of(), Duration.ofDays(1));
        roots(lists(etc, "require")).check(List.of(B_SERVER.certificate()), "b.test");

        Path revokedEtc = folder.newFolder("etc-revoked").toPath();
        place(revokedEtc, "b.crl", B_CA, Map.of(B_SERVER.certificate().getSerialNumber(), Instant.now()), Duration.ofDays(1));
        assertRefused(roots(lists(revokedEtc, "require")), "revoked");
    }

    /**
     * A chain that passed is not validated again while the roots and lists are the same; a new list
     * that revokes it, taken up at the next refresh, is heeded at once.
     */
    @Test
    public void aListRevokingAnAcceptedCertificateIsHeededAtItsNextRefresh() throws Exception {
        Path etc = folder.newFolder("etc-later").toPath();
        place(etc, "b.crl", B_CA, Map.of(), Duration.ofDays(1));
        Instant start = Instant.now();
        java.util.concurrent.atomic.AtomicReference<Instant> now = new java.util.concurrent.atomic.AtomicReference<>(start);
        Clock clock = new Clock() {
            @Override
            public Instant instant() {
                return now.get();
            }

            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }
        };
        RevocationLists lists = new RevocationLists(Configs.of(RevocationLists.Config.class).with("crl_refresh_seconds", 60L).build(),
                etc, new SrvOnlyResolver(domain -> List.of()), clock);
        KeyStoreTrustedRoots roots = roots(lists);
        roots.check(List.of(B_SERVER.certificate()), "b.test");
        roots.check(List.of(B_SERVER.certificate()), "b.test");

        place(etc, "b.crl", B_CA, Map.of(B_SERVER.certificate().getSerialNumber(), Instant.now()), Duration.ofDays(1));
        roots.check(List.of(B_SERVER.certificate()), "b.test");
        now.set(start.plusSeconds(61));
        assertRefused(roots, "revoked");
        assertRefused(roots, "revoked");
    }

    @Test
    public void withoutACurrentListSignedByTheAuthorityTheCertificateIsRefused() throws Exception {
        Path none = folder.newFolder("none").toPath();
        assertRefused(roots(lists(none, "require")), "cannot check revocation: no current revocation list of O=WSEmail,CN=B CA");

        Path forged = folder.newFolder("forged").toPath();
        Pki.CertifiedKey impostor = Pki.createAuthority("B CA", Duration.ofDays(10));
        place(forged, "b.crl", impostor, Map.of(), Duration.ofDays(1));
        assertRefused(roots(lists(forged, "require")), "is not signed by it");

        Path stale = folder.newFolder("stale").toPath();
        place(stale, "b.crl", B_CA, Map.of(), Duration.ofSeconds(1));
        RevocationLists later = new RevocationLists(Configs.defaults(RevocationLists.Config.class), stale, new SrvOnlyResolver(domain -> List.of()),
                Clock.fixed(Instant.now().plus(Duration.ofMinutes(5)), ZoneOffset.UTC));
        assertRefused(roots(later), "is out of date");
    }

    @Test
    public void revocationCheckingCanBeTurnedOffForClosedTestNetworks() throws Exception {
        roots(lists(folder.newFolder("off").toPath(), "off")).check(List.of(B_SERVER.certificate()), "b.test");
    }

    private static void assertRefused(KeyStoreTrustedRoots roots, String reason) {
        try {
            roots.check(List.of(B_SERVER.certificate()), "b.test");
            fail("accepted the server certificate of b.test");
        } catch (CertificateException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains(reason));
        }
    }
}
