package org.wsemail.plugins.subjecttag;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import org.junit.Test;
import org.wsemail.api.Address;
import org.wsemail.api.AuthenticationMethod;
import org.wsemail.api.MailMessage;
import org.wsemail.api.ProcessingEnvironment;
import org.wsemail.api.plugin.SendingDecision;
import org.wsemail.testing.Configs;

public class SubjectTagTest {
    private static final Address ALICE = Address.parse("alice@a.test");
    private static final ProcessingEnvironment ENV = ProcessingEnvironment.of(ALICE, AuthenticationMethod.USERNAME_TOKEN, true);

    private static SubjectTag tagger(String tag) {
        return new SubjectTag(Configs.of(SubjectTag.Config.class).with("tag", tag).build());
    }

    private static MailMessage withSubject(String subject) {
        return MailMessage.builder().sender(ALICE).recipient(Address.parse("bob@b.test")).subject(subject).build();
    }

    @Test
    public void prefixesTheSubjectAndKeepsEverythingElse() {
        MailMessage original = withSubject("Lunch?");
        SendingDecision decision = tagger("[acme]").process(original, ENV);

        MailMessage tagged = decision.replacement().orElseThrow();
        assertEquals("[acme] Lunch?", tagged.subject());
        assertEquals(original.messageId(), tagged.messageId());
        assertEquals(original.recipients(), tagged.recipients());
        assertEquals("Lunch?", original.subject());
    }

    @Test
    public void leavesAlreadyTaggedSubjectsAlone() {
        SendingDecision decision = tagger("[acme]").process(withSubject("Re: [acme] Lunch?"), ENV);
        assertFalse(decision.isRejected());
        assertTrue(decision.replacement().isEmpty());
    }

    @Test
    public void anEmptySubjectBecomesTheTag() {
        assertEquals("[acme]", tagger(" [acme] ").process(withSubject(""), ENV).replacement().orElseThrow().subject());
    }

    @Test(expected = IllegalArgumentException.class)
    public void refusesAnEmptyTag() {
        tagger("  ");
    }
}
