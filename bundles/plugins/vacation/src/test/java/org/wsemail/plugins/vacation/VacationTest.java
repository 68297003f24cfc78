package org.wsemail.plugins.vacation;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.wsemail.api.Address;
import org.wsemail.api.AuthenticationMethod;
import org.wsemail.api.MailMessage;
import org.wsemail.api.MessageFlag;
import org.wsemail.api.ProcessingEnvironment;
import org.wsemail.api.plugin.ExtensionException;
import org.wsemail.testing.InMemoryConfigurationAdmin;
import org.wsemail.testing.MovableClock;
import org.wsemail.testing.RecordingMailQueue;
import org.wsemail.testing.RecordingSigner;

public class VacationTest {
    private static final Address BOB = Address.parse("bob@b.test");
    private static final Address ALICE = Address.parse("alice@a.test");
    private static final Instant NOW = Instant.parse("2026-12-01T09:00:00Z");
    private static final ProcessingEnvironment BOB_CALLING = ProcessingEnvironment.of(BOB, AuthenticationMethod.USERNAME_TOKEN, true);
    private static final ProcessingEnvironment DELIVERY = ProcessingEnvironment.of(Address.parse("postmaster@a.test"),
            AuthenticationMethod.SERVER_CERTIFICATE, false);

    private final RecordingMailQueue queue = new RecordingMailQueue();
    private final InMemoryConfigurationAdmin configurationAdmin = new InMemoryConfigurationAdmin();
    private final MovableClock clock = new MovableClock(NOW);

    private Vacation vacation() {
        Vacation.Config config = new Vacation.Config() {
            @Override
            public Class<? extends java.lang.annotation.Annotation> annotationType() {
                return Vacation.Config.class;
            }

            @Override
            public int default_days() {
                return 7;
            }

            @Override
            public int max_message_chars() {
                return 4000;
            }
        };
        return new Vacation(config, configurationAdmin.service(), queue, new RecordingSigner(), clock);
    }

    private static Element request(String xml) throws Exception {
        Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder().newDocument();
        String[] parts = xml.split("\\|");
        Element root = document.createElementNS(null, parts[0]);
        document.appendChild(root);
        for (int i = 1; i + 1 < parts.length; i += 2) {
            Element child = document.createElementNS(null, parts[i]);
            child.setTextContent(parts[i + 1]);
            root.appendChild(child);
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
        assertEquals(1, queue.queued().size());
        MailMessage reply = queue.queued().get(0);
        assertEquals(BOB, reply.sender());
        assertEquals(List.of(ALICE), reply.recipients());
        assertEquals("Auto-reply: Lunch?", reply.subject());
        assertEquals("Away until Monday.", reply.body());
        assertTrue("its replies are bulk, so responders never answer each other", reply.hasFlag(MessageFlag.BULK));

        clock.advance(Duration.ofDays(2));
        vacation.deliver(from(ALICE, "Back yet?"), BOB, DELIVERY);
        assertEquals("a new period, a new reply", 2, queue.queued().size());

        clock.set(Instant.parse("2026-12-08T00:00:01Z"));
        vacation.deliver(from(Address.parse("carol@c.test"), "Hi"), BOB, DELIVERY);
        assertEquals("no replies once back", 2, queue.queued().size());
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
