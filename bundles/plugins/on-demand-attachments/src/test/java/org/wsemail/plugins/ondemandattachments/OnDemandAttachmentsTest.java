package org.wsemail.plugins.ondemandattachments;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.w3c.dom.Element;
import org.wsemail.api.Address;
import org.wsemail.api.Attachment;
import org.wsemail.api.AuthenticationMethod;
import org.wsemail.api.MailMessage;
import org.wsemail.api.ProcessingEnvironment;
import org.wsemail.api.plugin.ExtensionException;
import org.wsemail.api.plugin.PluginXml;
import org.wsemail.api.plugin.SendingDecision;
import org.wsemail.plugins.ondemandattachments.AttachmentLibrary.Refused;
import org.wsemail.testing.Configs;
import org.wsemail.testing.MovableClock;
import org.wsemail.testing.RecordingMailContext;

public class OnDemandAttachmentsTest {
    private static final Address ALICE = Address.parse("alice@a.test");
    private static final Address MALLORY = Address.parse("mallory@a.test");
    private static final Address BOB = Address.parse("bob@b.test");
    private static final Address EVE = Address.parse("eve@b.test");
    private static final byte[] REPORT = "the quarterly report, first draft".getBytes(StandardCharsets.UTF_8);

    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-01T10:00:00Z"));
    private final RecordingMailContext context = new RecordingMailContext("a.test", ALICE, MALLORY);
    private AttachmentLibrary library;
    private OnDemandAttachments plugin;
    private Path root;

    @Before
    public void setUp() throws Exception {
        root = folder.newFolder("attachments").toPath();
        library = library(Configs.of(AttachmentLibrary.Config.class).with("quota_mib", 1L).with("max_attachment_mib", 1L).build());
        plugin = new OnDemandAttachments(library);
    }

    private AttachmentLibrary library(AttachmentLibrary.Config config) throws Exception {
        return new AttachmentLibrary(config, context, root, clock);
    }

    private static ProcessingEnvironment calling(Address who, boolean local) {
        return ProcessingEnvironment.of(who, local ? AuthenticationMethod.USERNAME_TOKEN : AuthenticationMethod.FEDERATED_TOKEN, local);
    }

    private MailMessage sent(Attachment... attachments) {
        MailMessage message = MailMessage.builder().sender(ALICE).recipients(List.of(BOB)).subject("report").body("see attached")
                .messageId("m1@a.test").timestamp(clock.instant()).attachments(List.of(attachments)).build();
        SendingDecision decision = plugin.process(message, calling(ALICE, true));
        assertFalse(String.valueOf(decision.rejectionReason()), decision.isRejected());
        return decision.replacement().orElseThrow();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    public void aSentAttachmentLeavesAsADescriptionAndOnlyRecipientsFetchIt() throws Exception {
        MailMessage out = sent(new Attachment("report.txt", "text/plain", REPORT));

        Attachment described = out.attachments().get(0);
        Attachment.OnDemand onDemand = described.onDemand().orElseThrow();
        assertEquals(0, described.size());
        assertEquals(REPORT.length, onDemand.size());
        assertEquals(sha256(REPORT), onDemand.sha256());
        assertEquals("https://a.test:8443/wsemail", onDemand.location().toString());

        AttachmentLibrary.Fetched fetched = library.fetch(onDemand.guid(), null, BOB);
        assertArrayEquals(REPORT, Files.readAllBytes(fetched.file()));
        assertEquals(1, fetched.version().number());
        assertArrayEquals("the sender reads it too", REPORT, Files.readAllBytes(library.fetch(onDemand.guid(), 1, ALICE).file()));
        for (Address stranger : List.of(EVE, MALLORY)) {
            try {
                library.fetch(onDemand.guid(), null, stranger);
                fail(stranger + " is not a recipient");
            } catch (Refused e) {
                assertEquals(AttachmentLibrary.NOT_AUTHORIZED, e.code);
                assertTrue(e.getMessage(), e.getMessage().contains("not a recipient"));
            }
        }
    }

    @Test
    public void aStagedUploadIsTakenOverByTheMessageThatNamesIt() throws Exception {
        Records.Staged staged = library.upload(ALICE, "big.bin", "application/octet-stream", new ByteArrayInputStream(REPORT));
        MailMessage out = sent(Attachment.onDemand("big.bin", "application/octet-stream",
                new Attachment.OnDemand(staged.id(), staged.size(), staged.sha256(), 1, null)));

        Attachment.OnDemand kept = out.attachments().get(0).onDemand().orElseThrow();
        assertEquals(staged.sha256(), kept.sha256());
        assertTrue("the upload is no longer staged", library.records().staged(staged.id()).isEmpty());
        assertArrayEquals(REPORT, Files.readAllBytes(library.fetch(kept.guid(), null, BOB).file()));
    }

    @Test
    public void anotherUsersUploadOrAForeignDescriptionIsRefusedAndNothingIsKept() throws Exception {
        Records.Staged mallorys = library.upload(MALLORY, "x", "text/plain", new ByteArrayInputStream(REPORT));
        MailMessage stealing = MailMessage.builder().sender(ALICE).recipients(List.of(BOB)).subject("s").body("b").messageId("m2@a.test")
                .timestamp(clock.instant()).attachments(List.of(Attachment.onDemand("x", "text/plain",
                        new Attachment.OnDemand(mallorys.id(), mallorys.size(), mallorys.sha256(), 1, null)))).build();
        SendingDecision refused = plugin.process(stealing, calling(ALICE, true));
        assertTrue(refused.isRejected());
        assertTrue(refused.rejectionReason().orElseThrow(), refused.rejectionReason().orElseThrow().contains("no upload"));

        MailMessage forged = stealing.toBuilder().attachments(List.of(Attachment.onDemand("x", "text/plain",
                new Attachment.OnDemand("guid", 3, sha256(REPORT), 1, java.net.URI.create("https://c.test/wsemail"))))).build();
        SendingDecision refusedToo = plugin.process(forged, calling(ALICE, true));
        assertTrue(refusedToo.isRejected());
        assertTrue(refusedToo.rejectionReason().orElseThrow(), refusedToo.rejectionReason().orElseThrow().contains("only this server"));
        assertEquals(List.of(), library.records().all());
    }

    @Test
    public void aNewVersionIsListedAndFetchedAndAWithdrawnAttachmentIsGone() throws Exception {
        Attachment.OnDemand first = sent(new Attachment("report.txt", "text/plain", REPORT)).attachments().get(0).onDemand().orElseThrow();
        byte[] second = "the quarterly report, final".getBytes(StandardCharsets.UTF_8);
        Records.Staged upload = library.upload(ALICE, "report.txt", "text/plain", new ByteArrayInputStream(second));

        Element published = plugin.handle(request("publish", "message", "m1@a.test", "name", "report.txt", "upload", upload.id()),
                calling(ALICE, true));
        assertEquals("2", published.getAttribute("number"));
        assertEquals(sha256(second), published.getAttribute("sha256"));

        Element versions = plugin.handle(request("versions", "guid", first.guid()), calling(BOB, false));
        assertEquals("false", versions.getAttribute("withdrawn"));
        assertEquals(2, versions.getElementsByTagNameNS("*", "version").getLength());
        assertArrayEquals(second, Files.readAllBytes(library.fetch(first.guid(), null, BOB).file()));
        assertArrayEquals(REPORT, Files.readAllBytes(library.fetch(first.guid(), 1, BOB).file()));

        Records.Staged mallorys = library.upload(MALLORY, "report.txt", "text/plain", new ByteArrayInputStream(REPORT));
        try {
            plugin.handle(request("publish", "message", "m1@a.test", "name", "report.txt", "upload", mallorys.id()),
                    calling(MALLORY, true));
            fail("only the sender publishes");
        } catch (ExtensionException e) {
            assertEquals(ExtensionException.NOT_AUTHORIZED, e.code());
        }
        assertTrue("the refused upload is discarded", library.records().staged(mallorys.id()).isEmpty());
        assertEquals("and no longer counts against her quota", 0, library.records().usage(MALLORY));

        plugin.handle(request("withdraw", "message", "m1@a.test", "name", "report.txt"), calling(ALICE, true));
        assertEquals("true", plugin.handle(request("versions", "guid", first.guid()), calling(BOB, false)).getAttribute("withdrawn"));
        try {
            library.fetch(first.guid(), null, BOB);
            fail("withdrawn");
        } catch (Refused e) {
            assertEquals(AttachmentLibrary.WITHDRAWN, e.code);
        }
        try (var files = Files.walk(root)) {
            assertEquals("the contents are removed", 0, files.filter(Files::isRegularFile).count());
        }
        assertEquals(0, library.records().usage(ALICE));
    }

    @Test
    public void quotaAndSizeLimitsRefuseWithWordsAndKeepNothing() throws Exception {
        byte[] half = new byte[600 * 1024];
        library.upload(ALICE, "one", "application/octet-stream", new ByteArrayInputStream(half));
        try {
            library.upload(ALICE, "two", "application/octet-stream", new ByteArrayInputStream(new byte[600 * 1024 + 1]));
            fail("over quota");
        } catch (Refused e) {
            assertEquals(AttachmentLibrary.QUOTA, e.code);
            assertTrue(e.getMessage(), e.getMessage().contains("quota of 1.0 MiB"));
        }
        try {
            library.upload(MALLORY, "huge", "application/octet-stream", new ByteArrayInputStream(new byte[(1 << 20) + 1]));
            fail("over the size limit");
        } catch (Refused e) {
            assertEquals(AttachmentLibrary.TOO_LARGE, e.code);
        }
        assertEquals(0, library.records().usage(MALLORY));
        try (var files = Files.walk(root)) {
            assertEquals("only the first upload is on disk", 1, files.filter(Files::isRegularFile).count());
        }
    }

    @Test
    public void unsentUploadsAndAttachmentsPastRetentionAreSweptAway() throws Exception {
        library.upload(ALICE, "forgotten", "text/plain", new ByteArrayInputStream("never sent".getBytes(StandardCharsets.UTF_8)));
        Attachment.OnDemand kept = sent(new Attachment("report.txt", "text/plain", REPORT)).attachments().get(0).onDemand().orElseThrow();

        clock.advance(Duration.ofHours(25));
        library.sweep();
        assertEquals(REPORT.length, library.records().usage(ALICE));
        assertArrayEquals(REPORT, Files.readAllBytes(library.fetch(kept.guid(), null, BOB).file()));

        clock.advance(Duration.ofDays(90));
        library.sweep();
        assertEquals(0, library.records().usage(ALICE));
        try {
            library.fetch(kept.guid(), null, BOB);
            fail("past retention");
        } catch (Refused e) {
            assertEquals(AttachmentLibrary.NOT_FOUND, e.code);
        }
        try (var files = Files.walk(root)) {
            assertEquals("nothing left on disk", 0, files.filter(Files::isRegularFile).count());
        }
    }

    @Test
    public void contentThatAnotherKeptAttachmentStillUsesOutlivesTheOneThatExpired() throws Exception {
        Attachment.OnDemand first = sent(new Attachment("report.txt", "text/plain", REPORT)).attachments().get(0).onDemand().orElseThrow();
        clock.advance(Duration.ofDays(60));
        Attachment.OnDemand second = sent(new Attachment("copy.txt", "text/plain", REPORT)).attachments().get(0).onDemand().orElseThrow();
        clock.advance(Duration.ofDays(40));

        library.sweep();

        try {
            library.fetch(first.guid(), null, BOB);
            fail("the first passed its retention");
        } catch (Refused e) {
            assertEquals(AttachmentLibrary.NOT_FOUND, e.code);
        }
        assertArrayEquals("the same bytes, still kept for the second", REPORT,
                Files.readAllBytes(library.fetch(second.guid(), null, BOB).file()));
    }

    @Test
    public void mailOfVisitorsAndMailWithoutAttachmentsPassesUntouched() {
        MailMessage plain = MailMessage.builder().sender(ALICE).recipients(List.of(BOB)).subject("s").body("b").messageId("m3@a.test")
                .timestamp(clock.instant()).build();
        SendingDecision plainDecision = plugin.process(plain, calling(ALICE, true));
        assertFalse(plainDecision.isRejected());
        assertTrue("unchanged", plainDecision.replacement().isEmpty());
        MailMessage visitors = plain.toBuilder().sender(BOB).attachments(List.of(new Attachment("a", "text/plain", REPORT))).build();
        SendingDecision visitorsDecision = plugin.process(visitors, calling(BOB, false));
        assertFalse(visitorsDecision.isRejected());
        assertTrue("unchanged: a visitor's attachment is not kept here", visitorsDecision.replacement().isEmpty());
        assertEquals(List.of(), library.records().all());
    }

    private static Element request(String name, String... attributes) {
        Element request = PluginXml.answer(name);
        for (int i = 0; i < attributes.length; i += 2) {
            request.setAttribute(attributes[i], attributes[i + 1]);
        }
        return request;
    }
}
