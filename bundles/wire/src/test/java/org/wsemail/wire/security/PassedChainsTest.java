package org.wsemail.wire.security;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.security.KeyPair;
import java.security.cert.CertificateExpiredException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.junit.BeforeClass;
import org.junit.Test;

public class PassedChainsTest {
    private static final String CA = "CN=Test CA";
    private static KeyPair caKey;
    private static X509Certificate current;
    private static X509Certificate expired;

    @BeforeClass
    public static void certificates() throws Exception {
        caKey = TestCertificates.keyPair();
        KeyPair serverKey = TestCertificates.keyPair();
        current = TestCertificates.certificate(CA, caKey, "CN=a.test", serverKey.getPublic(), 2);
        expired = TestCertificates.certificate(CA, caKey, "CN=a.test", serverKey.getPublic(), 3,
                Instant.now().minus(1, ChronoUnit.MINUTES));
    }

    @Test
    public void aChainThatPassedIsTakenAgainOnlyAgainstWhatItWasCheckedAgainst() throws Exception {
        PassedChains<String> chains = new PassedChains<>(10);
        assertFalse("nothing passed yet", chains.passedBefore("a.test", "roots-1"));
        chains.passed("a.test", "roots-1", List.of(current));
        assertTrue(chains.passedBefore("a.test", "roots-1"));
        assertFalse("other roots or lists need a full check", chains.passedBefore("a.test", "roots-2"));
        assertFalse("another check was never done", chains.passedBefore("b.test", "roots-1"));
    }

    @Test
    public void aRememberedChainOutOfItsDatesIsRefusedAndForgotten() throws Exception {
        PassedChains<String> chains = new PassedChains<>(10);
        chains.passed("a.test", "roots", List.of(current, expired));
        assertThrows(CertificateExpiredException.class, () -> chains.passedBefore("a.test", "roots"));
        assertFalse("forgotten after failing its dates", chains.passedBefore("a.test", "roots"));
        assertEquals(0, chains.size());
    }

    @Test
    public void aFailedCheckIsForgotten() throws Exception {
        PassedChains<String> chains = new PassedChains<>(10);
        chains.passed("a.test", "roots", List.of(current));
        chains.failed("a.test");
        assertFalse(chains.passedBefore("a.test", "roots"));
    }

    @Test
    public void noMoreThanTheCapacityIsKept() throws Exception {
        PassedChains<Integer> chains = new PassedChains<>(3);
        for (int i = 0; i < 10; i++) {
            chains.passed(i, "roots", List.of(current));
            assertTrue(chains.size() <= 3);
        }
        assertTrue("the latest is kept", chains.passedBefore(9, "roots"));
        assertThrows(IllegalArgumentException.class, () -> new PassedChains<String>(0));
    }
}
