package org.wsemail.plugins.relaycontrol;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;

import org.junit.Test;
import org.wsemail.api.Address;
import org.wsemail.api.AuthenticationMethod;
import org.wsemail.api.MailMessage;
import org.wsemail.api.ProcessingEnvironment;
import org.wsemail.testing.Configs;
import org.wsemail.testing.RecordingMailContext;

public class RelayControlTest {
    private static final Address ALICE = Address.parse("alice@a.test");
    private static final Address VISITOR = Address.parse("val@b.test");

    private static RelayControl relay(boolean localUsersMayRelay) {
        return new RelayControl(new RecordingMailContext("a.test", ALICE),
                Configs.of(RelayControl.Config.class).with("local_users_may_relay", localUsersMayRelay).build());
    }

    private static MailMessage to(Address sender, String... recipients) {
        MailMessage.Builder builder = MailMessage.builder().sender(sender).subject("s");
        for (String recipient : recipients) {
            builder.recipient(Address.parse(recipient));
        }
        return builder.build();
    }

    @Test
    public void localUsersMaySendAnywhere() {
        ProcessingEnvironment local = ProcessingEnvironment.of(ALICE, AuthenticationMethod.USERNAME_TOKEN, true);
        assertFalse(relay(true).process(to(ALICE, "bob@b.test", "anne@a.test"), local).isRejected());
    }

    @Test
    public void identitiesFromOtherDomainsMaySendOnlyToLocalUsers() {
        ProcessingEnvironment foreign = ProcessingEnvironment.of(VISITOR, AuthenticationMethod.FEDERATED_TOKEN, false);
        assertFalse(relay(true).process(to(VISITOR, "anne@a.test"), foreign).isRejected());
        assertEquals("val@b.test, a user of another domain, may send only to a.test through this server; not to carol@c.test",
                relay(true).process(to(VISITOR, "anne@a.test", "carol@c.test"), foreign).rejectionReason().orElseThrow());
    }

    @Test
    public void relayingCanBeClosedToLocalUsersToo() {
        ProcessingEnvironment local = ProcessingEnvironment.of(ALICE, AuthenticationMethod.USERNAME_TOKEN, true);
        assertEquals("users of a.test may send only to a.test through this server; not to bob@b.test",
                relay(false).process(to(ALICE, "bob@b.test"), local).rejectionReason().orElseThrow());
        assertFalse(relay(false).process(to(ALICE, "anne@a.test"), local).isRejected());
    }
}
