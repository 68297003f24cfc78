package org.wsemail.plugins.sizelimit;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;

import org.junit.Test;
import org.wsemail.api.Address;
import org.wsemail.api.Attachment;
import org.wsemail.api.AuthenticationMethod;
import org.wsemail.api.MailMessage;
import org.wsemail.api.ProcessingEnvironment;
import org.wsemail.api.plugin.SendingDecision;
import org.wsemail.testing.Configs;

public class SizeLimitTest {
    private static final Address ALICE = Address.parse("alice@a.test");
    private static final ProcessingEnvironment ENV = ProcessingEnvironment.of(ALICE, AuthenticationMethod.USERNAME_TOKEN, true);

    private static SizeLimit limit(long bodyKib, long attachmentKib, SizeLimit.Action action) {
        return new SizeLimit(Configs.of(SizeLimit.Config.class).with("max_body_kib", bodyKib)
                .with("max_attachment_kib", attachmentKib).with("action", action).build());
    }

    private static MailMessage message(String body, Attachment... attachments) {
        return MailMessage.builder().sender(ALICE).recipient(Address.parse("bob@b.test")).subject("Files").body(body)
                .attachments(List.of(attachments)).build();
    }

    private static Attachment file(String name, int kib) {
        return new Attachment(name, "application/octet-stream", new byte[kib * 1024]);
    }

    @Test
    public void messagesWithinTheLimitsPassUntouched() {
        SendingDecision decision = limit(1, 10, SizeLimit.Action.reject).process(message("short", file("a.bin", 10)), ENV);
        assertTrue(!decision.isRejected() && decision.replacement().isEmpty());
    }

    @Test
    public void anOversizedAttachmentIsRefusedWithTheSizesNamed() {
        SendingDecision decision = limit(1, 10, SizeLimit.Action.reject).process(message("x", file("big.iso", 11)), ENV);
        assertEquals("the attachment big.iso is 11 KiB; this server accepts attachments up to 10 KiB",
                decision.rejectionReason().orElseThrow());
    }

    @Test
    public void inStripModeTheOversizedAttachmentGoesAndTheBodySaysSo() {
        MailMessage stripped = limit(1, 10, SizeLimit.Action.strip)
                .process(message("See attached.", file("small.txt", 1), file("big.iso", 20)), ENV).replacement().orElseThrow();
        assertEquals(List.of("small.txt"), stripped.attachments().stream().map(Attachment::name).toList());
        assertEquals("See attached.\n\n[Removed by the server, over the 10 KiB limit for attachments: big.iso (20 KiB)]",
                stripped.body());
    }

    @Test
    public void anOversizedBodyIsRefusedEvenInStripMode() {
        SendingDecision decision = limit(1, 10, SizeLimit.Action.strip).process(message("y".repeat(2000)), ENV);
        assertEquals("the body is 2 KiB; this server accepts bodies up to 1 KiB", decision.rejectionReason().orElseThrow());
    }
}
