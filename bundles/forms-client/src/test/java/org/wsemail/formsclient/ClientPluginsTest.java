package org.wsemail.formsclient;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.TrustAnchor;
import java.time.Duration;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import jdk.security.jarsigner.JarSigner;

import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.wsemail.forms.PluginCoordinates;
import org.wsemail.forms.requisition.Requisition;
import org.wsemail.forms.spi.FormType;
import org.wsemail.security.Pki;

/** The checks a fetched plug-in passes before it runs, and the plug-in framework running one (a real Felix). */
public class ClientPluginsTest {
    private static final Pki.CertifiedKey ROOT = Pki.createAuthority("Test root", Duration.ofDays(1));
    private static final Pki.CertifiedKey A_SERVER = Pki.issueServerCertificate(ROOT, "a.test", Duration.ofDays(1));
    private static final Pki.CertifiedKey B_SERVER = Pki.issueServerCertificate(ROOT, "b.test", Duration.ofDays(1));
    private static Path unsigned;

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    @BeforeClass
    public static void findThePlugin() throws Exception {
        unsigned = Path.of(Requisition.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertTrue(unsigned + " is the requisition plug-in's jar", unsigned.toString().endsWith(".jar"));
    }

    private Path signed(Pki.CertifiedKey signer) throws Exception {
        Path out = folder.newFile().toPath();
        try (ZipFile in = new ZipFile(unsigned.toFile()); OutputStream stream = Files.newOutputStream(out)) {
            new JarSigner.Builder(signer.keyPair().getPrivate(), CertificateFactory.getInstance("X.509")
                    .generateCertPath(List.of(signer.certificate(), ROOT.certificate()))).digestAlgorithm("SHA-256").build()
                    .sign(in, stream);
        }
        return out;
    }

    private static PluginCoordinates coordinates(Path jar, String signer) throws Exception {
        return new PluginCoordinates("org.wsemail.forms.requisition", "0.1.0.SNAPSHOT",
                URI.create("https://127.0.0.1/client-plugins/org.wsemail.forms.requisition/0.1.0.SNAPSHOT.jar"),
                PluginCoordinates.sha256Of(jar), signer);
    }

    private static void refused(Path jar, PluginCoordinates plugin, String why) throws Exception {
        try {
            new PluginDownload(Set.of(new TrustAnchor(ROOT.certificate(), null))).check(plugin, jar);
            fail("accepted, though " + why);
        } catch (PluginDownload.Refused e) {
            assertTrue(e.getMessage(), e.getMessage().contains(why));
        }
    }

    @Test
    public void aJarSignedByTheNamedDomainPassesAndRunsInThePluginFramework() throws Exception {
        Path jar = signed(A_SERVER);
        new PluginDownload(Set.of(new TrustAnchor(ROOT.certificate(), null))).check(coordinates(jar, "a.test"), jar);
        try (PluginFramework framework = new PluginFramework(folder.newFolder().toPath(), List.of(jar))) {
            FormType requisition = framework.formType("requisition").orElseThrow();
            assertEquals("Purchase requisition", requisition.title());
            assertEquals("120.00", requisition.complete(Map.of("quantity", "3", "unit-price", "40")).get("total"));
            assertTrue(framework.formType("timesheet").isEmpty());
        }
    }

    @Test
    public void anUnsignedJarIsRefused() throws Exception {
        refused(unsigned, coordinates(unsigned, "a.test"), "not signed");
    }

    @Test
    public void aJarSignedByAnotherDomainIsRefused() throws Exception {
        Path jar = signed(B_SERVER);
        refused(jar, coordinates(jar, "a.test"), "not by a.test");
    }

    @Test
    public void aJarOtherThanTheFormNamesIsRefused() throws Exception {
        Path jar = signed(A_SERVER);
        PluginCoordinates other = new PluginCoordinates("org.wsemail.forms.requisition", "0.1.0.SNAPSHOT",
                URI.create("https://127.0.0.1/x.jar"), "00".repeat(32), "a.test");
        refused(jar, other, "is not the one the form names");
    }

    @Test
    public void aJarAlteredAfterSigningIsRefused() throws Exception {
        Path jar = signed(A_SERVER);
        Path altered = folder.newFile().toPath();
        try (ZipFile in = new ZipFile(jar.toFile()); ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(altered))) {
            for (Enumeration<? extends ZipEntry> entries = in.entries(); entries.hasMoreElements();) {
                ZipEntry entry = entries.nextElement();
                out.putNextEntry(new ZipEntry(entry.getName()));
                byte[] bytes = in.getInputStream(entry).readAllBytes();
                if (entry.getName().endsWith("Requisition.class")) {
                    bytes[bytes.length - 1] ^= 1;
                }
                out.write(bytes);
                out.closeEntry();
            }
        }
        refused(altered, coordinates(altered, "a.test"), "altered after it was signed");
    }
}
