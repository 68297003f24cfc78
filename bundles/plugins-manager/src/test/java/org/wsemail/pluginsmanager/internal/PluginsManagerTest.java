package org.wsemail.pluginsmanager.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.After;
import org.junit.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.wsemail.api.Address;
import org.wsemail.api.AuthenticationMethod;
import org.wsemail.api.MailMessage;
import org.wsemail.api.ProcessingEnvironment;
import org.wsemail.api.plugin.DeliveryDecision;
import org.wsemail.api.plugin.DeliveryProcessor;
import org.wsemail.api.plugin.ExtensionException;
import org.wsemail.api.plugin.ExtensionProcessor;
import org.wsemail.api.plugin.SendingDecision;
import org.wsemail.api.plugin.SendingProcessor;
import org.wsemail.api.plugin.Stage;
import org.wsemail.api.runtime.DeliveryOutcome;
import org.wsemail.api.runtime.PluginDTO;
import org.wsemail.api.runtime.SendingOutcome;

public class PluginsManagerTest {
    private static final Address ALICE = Address.parse("alice@a.test");
    private static final Address BOB = Address.parse("bob@a.test");
    private static final ProcessingEnvironment ENV = ProcessingEnvironment.of(ALICE, AuthenticationMethod.USERNAME_TOKEN, true);

    private final MemoryStore store = new MemoryStore();
    private PluginsManager manager = new PluginsManager(store, 0);
    private long nextServiceId = 1;

    @After
    public void stop() {
        manager.deactivate();
    }

    private static MailMessage message(String subject) {
        return MailMessage.builder().sender(ALICE).recipient(BOB).subject(subject).body("hello").build();
    }

    /** A sending processor that appends its tag to the subject, so the order shows in the result. */
    private static SendingProcessor tagger(String tag) {
        return (m, env) -> SendingDecision.accept(m.toBuilder().subject(m.subject() + "[" + tag + "]").build());
    }

    private long register(Stage stage, String name, int ranking, Object processor) {
        return register(stage, name, ranking, null, processor);
    }

    private long register(Stage stage, String name, int ranking, String extensionId, Object processor) {
        long id = nextServiceId++;
        manager.bind(stage, new PluginSource(id, name, ranking, extensionId, 7, "test.bundle", "test:bundle"), processor);
        return id;
    }

    private String sendSubject() {
        SendingOutcome outcome = manager.send(message(""), ENV);
        assertTrue(outcome.toString(), outcome.isAccepted());
        return outcome.message().orElseThrow().subject();
    }

    @Test
    public void higherRankingRunsFirstAndTiesKeepRegistrationOrder() {
        register(Stage.SENDING, "low", -5, tagger("low"));
        register(Stage.SENDING, "high", 100, tagger("high"));
        register(Stage.SENDING, "first-zero", 0, tagger("z1"));
        register(Stage.SENDING, "second-zero", 0, tagger("z2"));

        assertEquals("[high][z1][z2][low]", sendSubject());
        assertEquals(List.of("high", "first-zero", "second-zero", "low"), chain(Stage.SENDING));
    }

    @Test
    public void priorityOverrideReordersTheNextMessageAndIsPersistedByName() {
        register(Stage.SENDING, "a", 10, tagger("a"));
        register(Stage.SENDING, "b", 20, tagger("b"));
        assertEquals("[b][a]", sendSubject());

        manager.setPriority("a", 30);

        assertEquals("[a][b]", sendSubject());
        assertEquals(Integer.valueOf(30), store.saved.priority("a"));
        PluginDTO a = manager.plugin("a").orElseThrow();
        assertEquals(10, a.serviceRanking());
        assertEquals(Integer.valueOf(30), a.priorityOverride());
        assertEquals(30, a.effectivePriority());

        manager.clearPriority("a");
        assertEquals("[b][a]", sendSubject());
        assertNull(store.saved.priority("a"));
    }

    @Test
    public void overridesSurviveRestartAndReinstallBecauseTheyAreKeyedByName() {
        register(Stage.SENDING, "a", 10, tagger("a"));
        register(Stage.SENDING, "b", 20, tagger("b"));
        manager.setPriority("a", 30);
        manager.setEnabled("b", false);
        manager.deactivate();

        manager = new PluginsManager(store, 0);
        register(Stage.SENDING, "b", 20, tagger("b"));
        register(Stage.SENDING, "a", 10, tagger("a"));
        register(Stage.SENDING, "c", 0, tagger("c"));

        assertEquals("[a][c]", sendSubject());
        assertFalse(manager.plugin("b").orElseThrow().enabled());
    }

    @Test
    public void rankingChangeOfARegisteredServiceReordersTheChain() {
        long a = register(Stage.SENDING, "a", 10, tagger("a"));
        register(Stage.SENDING, "b", 20, tagger("b"));

        manager.updated(new PluginSource(a, "a", 50, null, 7, "test.bundle", "test:bundle"));

        assertEquals("[a][b]", sendSubject());
    }

    @Test
    public void disabledPluginAndDisabledStageAreSkippedAndComeBack() {
        register(Stage.SENDING, "a", 10, tagger("a"));
        register(Stage.SENDING, "b", 20, tagger("b"));

        manager.setEnabled("b", false);
        assertEquals("[a]", sendSubject());
        manager.setStageEnabled(Stage.SENDING, false);
        assertEquals("", sendSubject());
        assertFalse(manager.stages().get(0).enabled());
        manager.setStageEnabled(Stage.SENDING, true);
        manager.setEnabled("b", true);
        assertEquals("[b][a]", sendSubject());
    }

    @Test
    public void unknownPluginNameIsRefusedWithAClearMessageAndNothingIsStored() {
        try {
            manager.setPriority("nope", 1);
            fail("expected a refusal");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("no plug-in named 'nope'"));
        }
        assertEquals(0, store.saves);
    }

    @Test
    public void aChangeThatCannotBePersistedIsNotApplied() {
        register(Stage.SENDING, "a", 10, tagger("a"));
        register(Stage.SENDING, "b", 20, tagger("b"));
        store.failing = true;
        try {
            manager.setPriority("a", 99);
            fail("expected the storage failure to surface");
        } catch (UncheckedIOException expected) {
            assertEquals("[b][a]", sendSubject());
        }
    }

    @Test
    public void failingPluginIsIsolatedCountedAndTheMessageGoesOnUnchangedByIt() {
        register(Stage.SENDING, "before", 30, tagger("before"));
        register(Stage.SENDING, "broken", 20, (SendingProcessor) (m, env) -> {
            throw new IllegalStateException("boom");
        });
        register(Stage.SENDING, "nothing", 15, (SendingProcessor) (m, env) -> null);
        register(Stage.SENDING, "after", 10, tagger("after"));

        assertEquals("[before][after]", sendSubject());

        PluginDTO broken = manager.plugin("broken").orElseThrow();
        assertEquals(1, broken.calls());
        assertEquals(1, broken.failures());
        assertTrue(broken.lastError(), broken.lastError().contains("boom"));
        assertEquals(1, manager.plugin("nothing").orElseThrow().failures());
        assertEquals(0, manager.plugin("after").orElseThrow().failures());
    }

    @Test
    public void linkageErrorsFromAVanishingPluginAreIsolatedToo() {
        register(Stage.SENDING, "gone", 20, (SendingProcessor) (m, env) -> {
            throw new NoClassDefFoundError("org/example/Gone");
        });
        assertEquals("", sendSubject());
        assertEquals(1, manager.plugin("gone").orElseThrow().failures());
    }

    @Test
    public void pluginRunningPastTheTimeLimitIsAbandonedAndCounted() throws Exception {
        manager.deactivate();
        manager = new PluginsManager(store, 100);
        CountDownLatch interrupted = new CountDownLatch(1);
        register(Stage.SENDING, "slow", 20, (SendingProcessor) (m, env) -> {
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
            return SendingDecision.accept(m.toBuilder().subject("late").build());
        });
        register(Stage.SENDING, "fast", 10, tagger("fast"));

        assertEquals("[fast]", sendSubject());

        PluginDTO slow = manager.plugin("slow").orElseThrow();
        assertEquals(1, slow.failures());
        assertEquals(1, slow.timeouts());
        assertTrue(slow.lastError(), slow.lastError().contains("time limit of 100 ms"));
        assertTrue("the abandoned call is interrupted", interrupted.await(5, TimeUnit.SECONDS));
    }

    @Test
    public void rejectionStopsTheChainAndNamesThePlugin() {
        List<String> calls = Collections.synchronizedList(new ArrayList<>());
        register(Stage.SENDING, "gate", 20, (SendingProcessor) (m, env) -> SendingDecision.reject("too large"));
        register(Stage.SENDING, "later", 10, (SendingProcessor) (m, env) -> {
            calls.add("later");
            return SendingDecision.accept();
        });

        SendingOutcome outcome = manager.send(message("x"), ENV);

        assertFalse(outcome.isAccepted());
        assertEquals("gate", outcome.rejectedBy().orElseThrow());
        assertEquals("too large", outcome.reason().orElseThrow());
        assertTrue(calls.isEmpty());
    }

    @Test
    public void deliveryChainPassesOnUntilAProcessorConsumes() {
        register(Stage.DELIVERY, "stamp", 30, (DeliveryProcessor) (m, r, env) ->
                DeliveryDecision.pass(m.toBuilder().subject(m.subject() + " for " + r + " via " + env.recipient().orElseThrow()).build()));
        register(Stage.DELIVERY, "im", 20, (DeliveryProcessor) (m, r, env) ->
                m.subject().startsWith("IM") ? DeliveryDecision.consume("pushed to client") : DeliveryDecision.pass());

        DeliveryOutcome mail = manager.deliver(message("mail"), BOB, ENV);
        assertFalse(mail.isConsumed());
        assertEquals("mail for bob@a.test via bob@a.test", mail.message().subject());

        DeliveryOutcome im = manager.deliver(message("IM hi"), BOB, ENV);
        assertTrue(im.isConsumed());
        assertEquals("im", im.consumedBy().orElseThrow());
        assertEquals("pushed to client", im.consumedAs().orElseThrow());
    }

    @Test
    public void aDeliveryProcessorThatRefusesEndsTheChainWithItsReason() {
        List<String> later = new ArrayList<>();
        register(Stage.DELIVERY, "gate", 20, (DeliveryProcessor) (m, r, env) ->
                DeliveryDecision.refuse(r + " takes instant messages from contacts only"));
        register(Stage.DELIVERY, "after", 10, (DeliveryProcessor) (m, r, env) -> {
            later.add(m.subject());
            return DeliveryDecision.pass();
        });

        DeliveryOutcome outcome = manager.deliver(message("IM hi"), BOB, ENV);
        assertTrue(outcome.isRefused());
        assertFalse(outcome.isConsumed());
        assertEquals("gate", outcome.consumedBy().orElseThrow());
        assertEquals("bob@a.test takes instant messages from contacts only", outcome.refusalReason().orElseThrow());
        assertTrue("no processor after it ran", later.isEmpty());
    }

    @Test
    public void compositePluginIsOneEntryInSeveralStagesAndLeavesStageByStage() throws Exception {
        Composite composite = new Composite();
        long id = register(Stage.SENDING, "composite", 0, "Echo", composite);
        manager.bind(Stage.EXTENSION, new PluginSource(id, "composite", 0, "Echo", 7, "test.bundle", "test:bundle"), composite);

        assertEquals(1, manager.plugins().size());
        assertEquals(java.util.Set.of(Stage.SENDING, Stage.EXTENSION), manager.plugins().get(0).stages());
        Element reply = manager.extension("Echo", element("ping"), ENV);
        assertEquals("ping", reply.getTagName());

        manager.unbind(Stage.EXTENSION, id);
        assertEquals(java.util.Set.of(Stage.SENDING), manager.plugins().get(0).stages());
        manager.unbind(Stage.SENDING, id);
        assertTrue(manager.plugins().isEmpty());
    }

    @Test
    public void extensionFaultsReachTheCallerAndFailuresBecomeAGenericFault() throws Exception {
        register(Stage.EXTENSION, "strict", 0, "Strict", (ExtensionProcessor) (req, env) -> {
            throw new ExtensionException(ExtensionException.BAD_REQUEST, "missing <since>");
        });
        register(Stage.EXTENSION, "crashy", 0, "Crashy", (ExtensionProcessor) (req, env) -> {
            throw new RuntimeException("secret internal detail");
        });

        assertFault("Strict", ExtensionException.BAD_REQUEST, "missing <since>");
        assertFault("Crashy", ExtensionException.EXTENSION_FAILED, "extension 'Crashy' failed; the server log has the details");
        assertFault("Missing", ExtensionException.UNKNOWN_EXTENSION, "this server offers no extension 'Missing'");
        assertEquals(0, manager.plugin("strict").orElseThrow().failures());
        assertEquals(1, manager.plugin("crashy").orElseThrow().failures());

        manager.setEnabled("strict", false);
        assertFault("Strict", ExtensionException.UNKNOWN_EXTENSION, "this server offers no extension 'Strict'");
    }

    @Test
    public void duplicateNamesAreMadeUnique() {
        register(Stage.SENDING, "same", 0, tagger("1"));
        long second = register(Stage.SENDING, "same", 0, tagger("2"));
        assertEquals(List.of("same", "same#" + second), chain(Stage.SENDING));
    }

    @Test
    public void lenientReadingOfStoredOverrides() {
        java.util.Hashtable<String, Object> props = new java.util.Hashtable<>();
        props.put("priority.a", "42");
        props.put("priority.b", 7);
        props.put("priority.c", "not a number");
        props.put("disabled.plugins", new String[] {"x, y", "z"});
        props.put("disabled.stages", "delivery, bogus");
        Overrides read = Overrides.fromProperties(props);
        assertEquals(Integer.valueOf(42), read.priority("a"));
        assertEquals(Integer.valueOf(7), read.priority("b"));
        assertNull(read.priority("c"));
        assertFalse(read.isPluginEnabled("x"));
        assertFalse(read.isPluginEnabled("y"));
        assertFalse(read.isPluginEnabled("z"));
        assertFalse(read.isStageEnabled(Stage.DELIVERY));
        assertTrue(read.isStageEnabled(Stage.SENDING));

        Overrides roundTrip = Overrides.fromProperties(read.toProperties());
        assertEquals(Integer.valueOf(42), roundTrip.priority("a"));
        assertFalse(roundTrip.isPluginEnabled("y"));
        assertFalse(roundTrip.isStageEnabled(Stage.DELIVERY));
    }

    private void assertFault(String extension, String code, String message) throws Exception {
        try {
            manager.extension(extension, element("req"), ENV);
            fail("expected a fault from " + extension);
        } catch (ExtensionException e) {
            assertEquals(code, e.code());
            assertEquals(message, e.getMessage());
        }
    }

    private List<String> chain(Stage stage) {
        return manager.stages().get(stage.ordinal()).chain();
    }

    private static Element element(String name) throws Exception {
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().newDocument();
        Element element = doc.createElement(name);
        doc.appendChild(element);
        return element;
    }

    private static final class Composite implements SendingProcessor, ExtensionProcessor {
        @Override
        public SendingDecision process(MailMessage message, ProcessingEnvironment env) {
            return SendingDecision.accept();
        }

        @Override
        public Element handle(Element request, ProcessingEnvironment env) {
            return request;
        }
    }

    private static final class MemoryStore implements OverridesStore {
        Overrides saved = Overrides.NONE;
        int saves;
        boolean failing;

        @Override
        public Overrides load() {
            return saved;
        }

        @Override
        public void save(Overrides overrides) {
            if (failing) {
                throw new UncheckedIOException(new java.io.IOException("disk full"));
            }
            saves++;
            saved = overrides;
        }
    }

}
