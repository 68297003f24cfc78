package org.wsemail.security.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Map;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.wsemail.security.Pki;
import org.wsemail.testing.Configs;

/** The server's key stores as an administrator places them in etc/: real PKCS#12 files. */
public class CredentialStoresTest {
    private static final Pki.CertifiedKey CA = Pki.createAuthority("Test CA", Duration.ofDays(1));
    private static final Pki.CertifiedKey SERVER = Pki.issueServerCertificate(CA, "a.test", Duration.ofDays(1));

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();
    private String etcBefore;
    private Path etc;

    @Before
    public void useFolderAsEtc() throws Exception {
        etc = folder.newFolder("etc").toPath();
        etcBefore = System.getProperty("karaf.etc");
        System.setProperty("karaf.etc", etc.toString());
        Pki.writeTrustStore(etc.resolve("wsemail-trust.p12"), "trust".toCharArray(), CA.certificate());
    }

    @After
    public void restoreEtc() {
        if (etcBefore == null) {
            System.clearProperty("karaf.etc");
        } else {
            System.setProperty("karaf.etc", etcBefore);
        }
    }

    private CredentialStores open() throws Exception {
        CredentialStores.Config config = Configs.of(CredentialStores.Config.class).with("keystore_password", "keys")
                .with("truststore_password", "trust").with("demo_credentials", false).build();
        return new CredentialStores(config, () -> "a.test", null);
    }

    @Test
    public void messagesAreSignedWithTheMessageSigningKeyAndTlsKeepsTheServerKey() throws Exception {
        Pki.CertifiedKey signing = Pki.issueMessageSigningCertificate(CA, "a.test", Duration.ofDays(1));
        Pki.writeKeyStore(etc.resolve("wsemail-server.p12"), "keys".toCharArray(),
                Map.of("server", SERVER, Pki.MESSAGE_SIGNING_ALIAS, signing), CA.certificate());

        CredentialStores stores = open();

        assertEquals("EdDSA", stores.messageKey().getAlgorithm());
        assertEquals(signing.certificate(), stores.messageChain().get(0));
        assertEquals(CA.certificate(), stores.messageChain().get(1));
        assertEquals("RSA", stores.key().getAlgorithm());
        assertEquals(SERVER.certificate(), stores.chain().get(0));
    }

    @Test
    public void withoutAMessageSigningKeyTheServerKeySignsMessages() throws Exception {
        Pki.writeKeyStore(etc.resolve("wsemail-server.p12"), "keys".toCharArray(), "server", SERVER, CA.certificate());

        CredentialStores stores = open();

        assertSame(stores.key(), stores.messageKey());
        assertEquals(stores.chain(), stores.messageChain());
    }

    @Test
    public void aMessageSigningCertificateForAnotherDomainIsRefusedAtStart() throws Exception {
        Pki.CertifiedKey other = Pki.issueMessageSigningCertificate(CA, "b.test", Duration.ofDays(1));
        Pki.writeKeyStore(etc.resolve("wsemail-server.p12"), "keys".toCharArray(),
                Map.of("server", SERVER, Pki.MESSAGE_SIGNING_ALIAS, other), CA.certificate());
        try {
            open();
            fail("started with a message signing certificate for b.test");
        } catch (GeneralSecurityException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("does not name a.test"));
        }
    }
}
