package org.wsemail.itests;

import static org.ops4j.pax.exam.CoreOptions.maven;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.function.BooleanSupplier;

import javax.inject.Inject;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.security.auth.Subject;

import org.apache.karaf.features.BootFinished;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.ops4j.pax.exam.util.Filter;

/**
 * Boots the project's own server assembly (karaf-assembly) in Pax Exam's Karaf container, on ports of
 * its own, and runs shell commands in it as a user with given roles, the way an administrator
 * would over SSH.
 */
public abstract class WsemailTestSupport {
    protected static final String VERSION = System.getProperty("wsemail.version", "0.1.0-SNAPSHOT");
    protected static final String SUBJECT_TAG_LOCATION = "mvn:org.wsemail.plugins/subject-tag/" + VERSION;
    protected static final Duration WAIT = Duration.ofSeconds(30);

    /**
     * Registered once Karaf has installed the boot features: no test starts while bundles still
     * refresh. A busy machine can take longer than Pax Exam's default ten seconds to get there.
     */
    @Inject
    @Filter(timeout = 180_000)
    protected BootFinished bootFinished;

    @Inject
    protected SessionFactory sessionFactory;

    @Configuration
    public Option[] config() {
        String localRepository = System.getProperty("maven.repo.local",
                System.getProperty("user.home") + "/.m2/repository");
        return new Option[] {
            karafDistributionConfiguration()
                    .frameworkUrl(maven("org.wsemail", "karaf-assembly").version(VERSION).type("tar.gz"))
                    .name("WSEmail server")
                    .unpackDirectory(new File("target/exam"))
                    .useDeployFolder(false),
            configureConsole().ignoreLocalConsole(),
            logLevel(LogLevel.INFO),
            editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository", localRepository),
            systemProperty("maven.repo.local").value(localRepository),
            // Pax Exam's bundles start among the boot features, in no fixed order with ours, and
            // the probe arrives meanwhile. Its extender waits for the JUnit invoker, and that for
            // the injector, 10 s each by default, and gives the probe up for good when a wait runs
            // out: the class then fails 180 s later, "gave up waiting for service ProbeInvoker". A
            // passing run's log showed 9.1 s between the extender's and the invoker's starts; with
            // both cores busy the injector came 12 s after the invoker asked for it.
            systemProperty("org.ops4j.pax.exam.raw.extender.intern.Parser.DEFAULT_TIMEOUT").value("180000"),
            systemProperty("org.ops4j.pax.swissbox.tracker.ServiceLookup.DEFAULT_TIMEOUT").value("180000"),
            editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", "18101"),
            editConfigurationFilePut("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port", "18181"),
            editConfigurationFilePut("etc/org.wsemail.security.cfg", "tls.port", "18443"),
            editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", "11099"),
            editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiServerPort", "44445"),
        };
    }

    /** What a shell command printed, and the error it ended with, if any. */
    protected record CommandResult(String output, Throwable error) {
        String errorMessage() {
            return error == null ? null : error.getMessage();
        }
    }

    protected CommandResult runAsAdmin(String command) {
        return run(command, "admin", "manager", "viewer");
    }

    protected CommandResult runAsViewer(String command) {
        return run(command, "viewer");
    }

    /** Runs a command in a new shell session as a user holding exactly these roles. */
    protected CommandResult run(String command, String... roles) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Subject subject = new Subject();
        subject.getPrincipals().add(new UserPrincipal("itest-" + String.join("-", roles)));
        for (String role : roles) {
            subject.getPrincipals().add(new RolePrincipal(role));
        }
        Throwable error = null;
        try (Session session = sessionFactory.create(System.in, out, out)) {
            Subject.doAs(subject, (PrivilegedExceptionAction<Object>) () -> session.execute(command));
        } catch (PrivilegedActionException e) {
            error = e.getCause();
        } catch (Exception e) {
            error = e;
        }
        out.flush();
        return new CommandResult(bytes.toString(StandardCharsets.UTF_8), error);
    }

    protected CommandResult runAsAdminOk(String command) {
        CommandResult result = runAsAdmin(command);
        if (result.error() != null) {
            throw new AssertionError("'" + command + "' failed: " + result.error() + "\n" + result.output(), result.error());
        }
        return result;
    }

    /**
     * Hand-written SOAP requests to the server's endpoint at {@code path} (below {@code /wsemail}),
     * over HTTPS, trusting the server's demo CA.
     */
    protected static SoapRequests soap(String path) throws Exception {
        KeyStore roots = KeyStore.getInstance("PKCS12");
        roots.load(null, null);
        try (InputStream pem = Files.newInputStream(Path.of(System.getProperty("karaf.etc"), "wsemail-ca.pem"))) {
            int n = 0;
            for (Certificate root : CertificateFactory.getInstance("X.509").generateCertificates(pem)) {
                roots.setCertificateEntry("root" + n++, root);
            }
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(roots);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
        return new SoapRequests(URI.create("https://localhost:18443/wsemail" + path), tls);
    }

    /**
     * A file holding this password, readable by its owner only, for the shell's
     * {@code --password-file}: passwords are never given on the command line.
     */
    protected static String passwordFile(String password) {
        return PasswordFiles.of(password);
    }


    protected static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + WAIT.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(50);
        }
    }
}
