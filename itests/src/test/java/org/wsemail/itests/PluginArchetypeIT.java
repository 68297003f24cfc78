package org.wsemail.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;
import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.w3c.dom.Element;
import org.wsemail.api.Address;
import org.wsemail.api.AuthenticationMethod;
import org.wsemail.api.MailMessage;
import org.wsemail.api.ProcessingEnvironment;
import org.wsemail.api.plugin.ExtensionException;
import org.wsemail.api.runtime.MessagePipeline;
import org.wsemail.api.runtime.PluginAdmin;

/**
 * What a plug-in author does: generate a project from the archetype, build it with Maven, install
 * the bundle into a running server, watch it act on mail, and remove it again, live.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PluginArchetypeIT extends WsemailTestSupport {
    private static final Address ALICE = Address.parse("alice@demo.test");
    private static final Address BOB = Address.parse("bob@demo.test");
    private static final ProcessingEnvironment ENV = ProcessingEnvironment.of(ALICE, AuthenticationMethod.USERNAME_TOKEN, true);

    @Inject
    MessagePipeline pipeline;

    @Inject
    PluginAdmin pluginAdmin;

    @Test
    public void aGeneratedPluginBuildsInstallsActsAndUninstallsLive() throws Exception {
        Path work = Files.createTempDirectory(Path.of(System.getProperty("karaf.data")), "archetype");
        maven(work, "org.apache.maven.plugins:maven-archetype-plugin:3.4.1:generate",
                "-DarchetypeGroupId=org.wsemail", "-DarchetypeArtifactId=plugin-archetype", "-DarchetypeVersion=" + VERSION,
                "-DgroupId=com.example", "-DartifactId=greeting-plugin", "-Dversion=1.0.0",
                "-Dpackage=com.example.greeting", "-DpluginName=greeting", "-DclassName=GreetingPlugin",
                "-Dkinds=sending,delivery,extension", "-Dendpoint=true");
        Path project = work.resolve("greeting-plugin");
        assertTrue(Files.readString(project.resolve("README.md")).contains("wsemail:plugin-install"));
        maven(project, "install");
        Path jar = project.resolve("target/greeting-plugin-1.0.0.jar");
        assertTrue("the build made " + jar, Files.isRegularFile(jar));
        assertTrue(Files.readString(project.resolve("target/feature/feature.xml")).contains("mvn:com.example/greeting-plugin/1.0.0"));

        String installed = runAsAdminOk("wsemail:plugin-install file:" + jar).output();
        assertTrue(installed, installed.contains("Plug-in greeting (sending,delivery,extension)"));

        MailMessage sent = pipeline.send(message(), ENV).message().orElseThrow();
        assertEquals("Hi Bob\n-- \nSent through greeting", sent.body());
        assertEquals("[greeting] Hello", pipeline.deliver(sent, BOB, ENV).message().subject());
        Element pong = pipeline.extension("greeting",
                DocumentBuilderFactory.newInstance().newDocumentBuilder().newDocument().createElementNS(null, "ping"), ENV);
        assertEquals("alice@demo.test", pong.getAttribute("caller"));
        assertEquals("the plug-in learned the domain from its mail context", "demo.test", pong.getAttribute("domain"));

        runAsAdminOk("wsemail:user-add --password-file " + passwordFile("alice-password-1") + " alice@demo.test");
        await("the plug-in's own endpoint to be published",
                () -> runAsViewer("wsemail:endpoint-list --no-format").output().contains("/wsemail/greeting"));
        SoapRequests endpoint = soap("/greeting");
        String whoAmI = SoapRequests.envelope(new SoapRequests.Security("alice@demo.test", "alice-password-1").xml(),
                "<p:whoAmI xmlns:p=\"urn:wsemail:plugin:greeting\"/>");
        SoapRequests.Reply answer = endpoint.post("", whoAmI.getBytes(StandardCharsets.UTF_8));
        assertTrue(answer.toString(), answer.body().contains("alice@demo.test (USERNAME_TOKEN) at demo.test"));
        SoapRequests.Reply anonymous = endpoint.post("", SoapRequests.envelope("", "<p:whoAmI xmlns:p=\"urn:wsemail:plugin:greeting\"/>")
                .getBytes(StandardCharsets.UTF_8));
        assertTrue("the plug-in's endpoint let a caller in without a password: " + anonymous, anonymous.isFault());

        runAsAdminOk("wsemail:plugin-uninstall greeting");
        assertEquals("uninstalling the plug-in took its endpoint down", 404, endpoint.get("?wsdl").status());
        assertTrue(pluginAdmin.plugin("greeting").isEmpty());
        assertEquals("Hi Bob", pipeline.send(message(), ENV).message().orElseThrow().body());
        try {
            pipeline.extension("greeting", pong, ENV);
            throw new AssertionError("the extension outlived its plug-in");
        } catch (ExtensionException expected) {
            assertEquals(ExtensionException.UNKNOWN_EXTENSION, expected.code());
        }
    }

    private static MailMessage message() {
        return MailMessage.builder().sender(ALICE).recipient(BOB).subject("Hello").body("Hi Bob").build();
    }

    /** Runs Maven as a plug-in author would, with this build's local repository. */
    private static void maven(Path directory, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("mvn", "-B", "-ntp", "-q",
                "-Dmaven.repo.local=" + System.getProperty("maven.repo.local")));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new AssertionError("mvn " + String.join(" ", arguments) + " failed:\n" + output);
        }
    }
}
