package org.wsemail.plugins.routedforms;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.wsemail.api.Address;
import org.wsemail.api.Attachment;
import org.wsemail.api.AuthenticationMethod;
import org.wsemail.api.MailMessage;
import org.wsemail.api.ProcessingEnvironment;
import org.wsemail.api.plugin.SendingDecision;
import org.wsemail.forms.Form;
import org.wsemail.forms.PluginCoordinates;
import org.wsemail.testing.Configs;
import org.wsemail.testing.InMemoryPluginStore;
import org.wsemail.testing.RecordingMailContext;

public class RoutedFormsTest {
    private static final Address ALICE = Address.parse("alice@a.test");
    private static final Address ANN = Address.parse("ann@a.test");
    private static final Address CAROL = Address.parse("carol@a.test");
    private static final PluginCoordinates PLUGIN = new PluginCoordinates("org.wsemail.forms.requisition", "1.0.0",
            URI.create("https://mail.a.test/client-plugins/org.wsemail.forms.requisition/1.0.0.jar"), "ab".repeat(32), "a.test");

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    private final RecordingMailContext context = new RecordingMailContext("a.test", new InMemoryPluginStore(), ALICE, ANN, CAROL);
    private final Organization organization = new Organization(context);

    private RoutedForms plugin() throws Exception {
        ClientPluginLibrary library = new ClientPluginLibrary(folder.newFolder().toPath(), URI.create("https://mail.a.test"), "a.test", null);
        return new RoutedForms(Configs.of(RoutedForms.Config.class).with("requisition_threshold", "5000").build(), context, organization,
                library, null, Clock.systemUTC());
    }

    private static MailMessage requisition(String total) {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("vendor", "ACME");
        data.put("total", total);
        Form form = Form.create("f-1", "requisition", PLUGIN, data, List.of(Form.Step.to(ANN.toString()), Form.Step.program("filing@a.test")));
        return MailMessage.builder().sender(ALICE).recipient(ANN).subject("Purchase requisition f-1").body("a form")
                .attachment(new Attachment(Form.FILE_NAME, Form.CONTENT_TYPE, form.toBytes())).build();
    }

    private static ProcessingEnvironment from(Address caller, boolean local) {
        return ProcessingEnvironment.of(caller, AuthenticationMethod.X509_CERTIFICATE, local);
    }

    @Test
    public void aRequisitionOverTheThresholdGoesToPurchasingFirst() throws Exception {
        organization.addRole("purchasing", CAROL);
        SendingDecision decision = plugin().process(requisition("12000.00"), from(ALICE, true));
        MailMessage sent = decision.replacement().orElseThrow();
        assertEquals(List.of(CAROL), sent.recipients());
        Form form = Form.parse(sent.attachments().get(0).content());
        Form.Step first = form.route().get(0);
        assertEquals("purchasing", first.role());
        assertEquals("carol@a.test", first.to());
        assertEquals(3, form.route().size());
        assertEquals(1, form.current());
    }

    @Test
    public void aRoleNobodyHoldsRefusesTheFormAndSaysHowToFixIt() throws Exception {
        SendingDecision decision = plugin().process(requisition("12000.00"), from(ALICE, true));
        assertTrue(decision.isRejected());
        assertTrue(decision.rejectionReason().orElseThrow(),
                decision.rejectionReason().orElseThrow().contains("no one at a.test holds the role purchasing"));
    }

    @Test
    public void aRequisitionUnderTheThresholdAndAVisitorsFormPassUnchanged() throws Exception {
        organization.addRole("purchasing", CAROL);
        assertTrue(plugin().process(requisition("120.00"), from(ALICE, true)).replacement().isEmpty());
        assertTrue(plugin().process(requisition("12000.00"), from(Address.parse("bob@b.test"), false)).replacement().isEmpty());
    }

    @Test
    public void anUnreadableFormIsRefused() throws Exception {
        MailMessage broken = requisition("1").toBuilder().attachments(List.of(new Attachment(Form.FILE_NAME, Form.CONTENT_TYPE,
                "<form".getBytes(java.nio.charset.StandardCharsets.UTF_8)))).build();
        SendingDecision decision = plugin().process(broken, from(ALICE, true));
        assertTrue(decision.rejectionReason().orElseThrow(), decision.rejectionReason().orElseThrow().startsWith("the form attached is not readable"));
    }

    @Test
    public void onlyPublishedJarsAreServedNeverAPath() throws Exception {
        Path directory = folder.newFolder().toPath();
        Files.createDirectories(directory.resolve("org.example"));
        Files.writeString(directory.resolve("org.example/1.0.jar"), "jar");
        Files.writeString(directory.resolve("secret.jar"), "not a plug-in");
        ClientPluginLibrary library = new ClientPluginLibrary(directory, URI.create("https://a"), "a.test", null);
        assertTrue(library.jar("org.example", "1.0").isPresent());
        assertFalse(library.jar("..", "secret").isPresent());
        assertFalse(library.jar(".", "secret").isPresent());
        assertFalse(library.jar("org.example", "..").isPresent());
        assertFalse(library.jar("org.example", "2.0").isPresent());
    }
}
