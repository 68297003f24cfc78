package org.wsemail.plugins.vacation;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.Test;
import org.w3c.dom.Element;
import org.wsemail.api.Address;
import org.wsemail.api.AuthenticationMethod;
import org.wsemail.api.MailMessage;
import org.wsemail.api.MessageFlag;
import org.wsemail.api.ProcessingEnvironment;
import org.wsemail.api.plugin.ExtensionException;
import org.wsemail.api.plugin.PluginXml;
import org.wsemail.testing.Configs;
import org.wsemail.testing.InMemoryPluginStore;
import org.wsemail.testing.MovableClock;
import org.wsemail.testing.RecordingMailContext;

public class VacationTest {
    private static final Address BOB = Address.parse("bob@b.test");
    private static final Address ALICE = Address.parse("alice@a.test");
    private static final Instant NOW = Instant.parse("2026-12-01T09:00:00Z");
    private static final ProcessingEnvironment BOB_CALLING = ProcessingEnvironment.of(BOB, AuthenticationMethod.USERNAME_TOKEN, true);
    private static final ProcessingEnvironment DELIVERY = ProcessingEnvironment.of(Address.parse("postmaster@a.test"),
            AuthenticationMethod.SERVER_CERTIFICATE, false);

    /** Outlives the plug-in instances of a test, as the server's store outlives a restart. */
    private final InMemoryPluginStore store = new InMemoryPluginStore();
    private final RecordingMailContext context = new RecordingMailContext("b.test", store, BOB);
    private final MovableClock clock = new MovableClock(NOW);

    private Vacation vacation() {
        return new Vacation(Configs.defaults(Vacation.Config.class), context, clock);
    }

    private static Element request(String xml) {
        String[] parts = xml.split("\\|");
        Element root = PluginXml.answer(parts[0]);
        for (int i = 1; i + 1 < parts.length; i += 2) {
            PluginXml.add(root, parts[i], parts[i + 1]);
        }
        return root;
    }

    private static MailMessage from(Address sender, String subject) {
        return MailMessage.builder().sender(sender).recipient(BOB).subject(subject).body("x").build();
    }

    @Test
    public void answersEachSenderOncePerPeriodWithABulkFlaggedReply() throws Exception {
        Vacation vacation = vacation();
        Element set = vacation.handle(request("set|message|Away until Monday.|until|2026-12-08T00:00:00Z|days|2"), BOB_CALLING);
        assertEquals("true", set.getAttribute("active"));

        vacation.deliver(from(ALICE, "Lunch?"), BOB, DELIVERY);
        vacation.deliver(from(ALICE, "Lunch, really?"), BOB, DELIVERY);
        assertEquals(1, context.submitted().size());
        MailMessage reply = context.submitted().get(0);
        assertEquals(BOB, reply.sender());
        assertEquals(List.of(ALICE), reply.recipients());
        assertEquals("Auto-reply: Lunch?", reply.subject());
        assertEquals("Away until Monday.", reply.body());
        assertTrue("its replies are bulk, so responders never answer each other", reply.hasFlag(MessageFlag.BULK));

        clock.advance(Duration.ofDays(2));
        vacation.deliver(from(ALICE, "Back yet?"), BOB, DELIVERY);
        assertEquals("a new period, a new reply", 2, context.submitted().size());

        clock.set(Instant.parse("2026-12-08T00:00:01Z"));
        vacation.deliver(from(Address.parse("carol@c.test"), "Hi"), BOB, DELIVERY);
        assertEquals("no replies once back", 2, context.submitted().size());
    }

    @Test
    public void aRestartAnswersNobodyTwiceInAPeriodAndANewSettingStartsAfresh() throws Exception {
        vacation().handle(request("set|message|Away.|until|2026-12-08T00:00:00Z|days|7"), BOB_CALLING);
        vacation().deliver(from(ALICE, "One"), BOB, DELIVERY);
        vacation().deliver(from(ALICE, "Two"), BOB, DELIVERY);
        assertEquals("a new instance, as after a restart, remembers whom it answered", 1, context.submitted().size());

        vacation().handle(request("set|message|Away longer.|until|2026-12-09T00:00:00Z|days|7"), BOB_CALLING);
        vacation().deliver(from(ALICE, "Three"), BOB, DELIVERY);
        assertEquals(2, context.submitted().size());
        assertEquals("Away longer.", context.submitted().get(1).body());
    }

    @Test
    public void aReplyRefusedByTheServerLeavesTheDeliveryAlone() throws Exception {
        Vacation vacation = vacation();
        vacation.handle(request("set|message|Away.|until|2026-12-08T00:00:00Z"), BOB_CALLING);
        context.refuseSubmissions("replies are not allowed here");
        assertFalse(vacation.deliver(from(ALICE, "Hi"), BOB, DELIVERY).isConsumed());
        assertTrue(context.submitted().isEmpty());
    }

    @Test
    public void neverAnswersBulkListsPostmastersAutoRepliesOrOneself() {
        assertFalse(Vacation.deservesAnswer(from(ALICE, "x").toBuilder().flag(MessageFlag.BULK).build(), BOB));
        assertFalse(Vacation.deservesAnswer(from(Address.parse("postmaster@a.test"), "Undelivered mail"), BOB));
        assertFalse(Vacation.deservesAnswer(from(Address.parse("dev-request@lists.test"), "x"), BOB));
        assertFalse(Vacation.deservesAnswer(from(Address.parse("owner-dev@lists.test"), "x"), BOB));
        assertFalse(Vacation.deservesAnswer(from(ALICE, "Auto-reply: Lunch?"), BOB));
        assertFalse(Vacation.deservesAnswer(from(BOB, "note to self"), BOB));
        assertTrue(Vacation.deservesAnswer(from(ALICE, "Lunch?"), BOB));
    }

    @Test
    public void settingsAreCheckedKeptAcrossRestartsAndOnlyForLocalUsers() throws Exception {
        Vacation vacation = vacation();
        assertFault(vacation, "set|message|Away", BOB_CALLING, "give <until> as a time, e.g. 2026-12-31T00:00:00Z");
        assertFault(vacation, "set|message|Away|until|2020-01-01T00:00:00Z", BOB_CALLING, "<until> is in the past");
        assertFault(vacation, "set|message|Away|until|2026-12-08T00:00:00Z|days|0", BOB_CALLING,
                "<days> must be a whole number from 1 to 365");
        assertFault(vacation, "dance", BOB_CALLING, "send <set>, <get/> or <clear/>");
        assertFault(vacation, "get", ProcessingEnvironment.of(ALICE, AuthenticationMethod.FEDERATED_TOKEN, false),
                "only users of this server can set a vacation reply");

        vacation.handle(request("set|message|Away|until|2026-12-08T00:00:00Z"), BOB_CALLING);
        Element restored = vacation().handle(request("get"), BOB_CALLING);
        assertEquals("true", restored.getAttribute("active"));
        assertEquals("7", restored.getAttribute("days"));
        assertEquals("Away", restored.getTextContent());
        assertEquals("false", vacation().handle(request("clear"), BOB_CALLING).getAttribute("active"));
    }

    private static void assertFault(Vacation vacation, String request, ProcessingEnvironment env, String message) throws Exception {
        try {
            vacation.handle(request(request), env);
            fail("accepted " + request);
        } catch (ExtensionException expected) {
            assertEquals(message, expected.getMessage());
        }
    }
}
