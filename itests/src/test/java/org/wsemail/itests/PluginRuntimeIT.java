package org.wsemail.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.Hashtable;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import javax.inject.Inject;

import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.wsemail.api.Address;
import org.wsemail.api.AuthenticationMethod;
import org.wsemail.api.MailMessage;
import org.wsemail.api.ProcessingEnvironment;
import org.wsemail.api.plugin.SendingProcessor;
import org.wsemail.api.runtime.DeliveryOutcome;
import org.wsemail.api.runtime.MessagePipeline;
import org.wsemail.api.runtime.PluginAdmin;
import org.wsemail.api.runtime.PluginDTO;
import org.wsemail.api.runtime.SendingOutcome;

/**
 * The plug-in runtime in the real server: plug-in bundles installed, reordered, disabled and removed
 * from the shell while messages keep flowing through the pipeline.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PluginRuntimeIT extends WsemailTestSupport {
    private static final String SUBJECT_TAG_BSN = "org.wsemail.plugins.subject-tag";
    private static final String SUBJECT_TAG_FACTORY = "org.wsemail.plugins.subjecttag";
    private static final Address ALICE = Address.parse("alice@a.test");
    private static final Address BOB = Address.parse("bob@a.test");
    private static final ProcessingEnvironment ENV = ProcessingEnvironment.of(ALICE, AuthenticationMethod.USERNAME_TOKEN, true);

    @Inject
    BundleContext bundleContext;

    @Inject
    MessagePipeline pipeline;

    @Inject
    PluginAdmin pluginAdmin;

    @Inject
    ConfigurationAdmin configurationAdmin;

    @After
    public void removeLeftovers() throws Exception {
        Configuration[] factories = configurationAdmin.listConfigurations("(service.factoryPid=" + SUBJECT_TAG_FACTORY + ")");
        if (factories != null) {
            for (Configuration factory : factories) {
                factory.delete();
            }
        }
        if (pluginListFile().contains(SUBJECT_TAG_LOCATION)) {
            Files.writeString(etc("org.wsemail.plugins.cfg"), "plugins =\n", StandardCharsets.UTF_8);
        }
        for (Bundle bundle : bundleContext.getBundles()) {
            if (SUBJECT_TAG_BSN.equals(bundle.getSymbolicName()) && bundle.getState() != Bundle.UNINSTALLED) {
                // A failed test may leave the bundle between states (stopped, services gone): remove it
                // directly (the list file no longer names it, so the deployer will not bring it back).
                try {
                    bundle.uninstall();
                } catch (IllegalStateException alreadyGone) {
                    // the deployer removed it first
                }
            }
        }
        await("no subject-tag bundle left", () -> Arrays.stream(bundleContext.getBundles())
                .noneMatch(b -> SUBJECT_TAG_BSN.equals(b.getSymbolicName())));
    }

    @Test
    public void pluginsAreInstalledReorderedDisabledAndRemovedLiveWhileMessagesFlow() throws Exception {
        Producer producer = new Producer();
        Thread thread = new Thread(producer, "itest-producer");
        thread.start();
        try {
            await("the producer to get going", () -> producer.delivered.get() > 20);

            CommandResult installed = runAsAdminOk("wsemail:plugin-install " + SUBJECT_TAG_LOCATION);
            assertTrue(installed.output(), installed.output().contains("Installed " + SUBJECT_TAG_BSN));
            assertTrue(installed.output(), installed.output().contains("Plug-in subject-tag (sending) at priority 0"));
            assertEquals("[wsemail] hello", sendSubject("hello"));
            await("the producer's mail to be tagged", () -> producer.lastSubject.startsWith("[wsemail] "));
            assertTrue(pluginAdmin.plugin("subject-tag").orElseThrow().calls() > 0);
            await("Karaf to write the plug-in into etc/org.wsemail.plugins.cfg", () -> pluginListFile().contains(SUBJECT_TAG_LOCATION));

            // Two configured instances replace the default one: [a] ranks 20, [b] ranks 10.
            tagInstance("tag-a", "[a]", 20);
            tagInstance("tag-b", "[b]", 10);
            await("two tag instances", () -> pluginAdmin.plugin("tag-a").isPresent()
                    && pluginAdmin.plugin("tag-b").isPresent() && pluginAdmin.plugin("subject-tag").isEmpty());
            assertEquals("a runs first, then b puts its tag in front", "[b] [a] hi", sendSubject("hi"));

            runAsAdminOk("wsemail:plugin-priority tag-b 30");
            assertEquals("[a] [b] hi", sendSubject("hi"));
            String list = runAsAdminOk("wsemail:plugin-list --no-format").output();
            assertTrue(list, list.indexOf("tag-b") < list.indexOf("tag-a"));
            PluginDTO b = pluginAdmin.plugin("tag-b").orElseThrow();
            assertEquals(Integer.valueOf(30), b.priorityOverride());
            assertEquals(10, b.serviceRanking());

            runAsAdminOk("wsemail:plugin-disable tag-a");
            assertEquals("[b] hi", sendSubject("hi"));
            runAsAdminOk("wsemail:stage-disable sending");
            assertEquals("hi", sendSubject("hi"));
            assertTrue(runAsAdminOk("wsemail:stage-list --no-format").output().matches("(?s)sending\\s+no.*"));
            runAsAdminOk("wsemail:stage-enable sending");
            assertEquals("[b] hi", sendSubject("hi"));
            runAsAdminOk("wsemail:plugin-enable tag-a");
            assertEquals("[a] [b] hi", sendSubject("hi"));
            runAsAdminOk("wsemail:plugin-priority --reset tag-b");
            assertEquals("[b] [a] hi", sendSubject("hi"));

            WeakReference<ClassLoader> pluginLoader = classLoaderOfPlugin("tag-a");
            CommandResult uninstalled = runAsAdminOk("wsemail:plugin-uninstall tag-a");
            assertTrue(uninstalled.output(), uninstalled.output().contains("Uninstalled " + SUBJECT_TAG_BSN));
            assertEquals("hi", sendSubject("hi"));
            assertTrue(pluginAdmin.plugins().isEmpty());
            await("Karaf to drop the plug-in from etc/org.wsemail.plugins.cfg", () -> !pluginListFile().contains(SUBJECT_TAG_LOCATION));
            await("the producer's mail to be untagged again", () -> producer.lastSubject.equals("load"));

            assertClassLoaderCollected(pluginLoader);
        } finally {
            producer.running = false;
            thread.join(10_000);
        }
        assertTrue("pipeline errors: " + producer.errors, producer.errors.isEmpty());
        long produced = producer.produced.get();
        assertTrue("produced " + produced, produced > 100);
        assertEquals("every message came out", produced, producer.outcomes.size());
        assertTrue("no message came out twice: " + producer.outcomes,
                producer.outcomes.values().stream().allMatch(count -> count.get() == 1));
    }

    @Test
    public void aViewerMayListButIsRefusedChanges() throws Exception {
        CommandResult list = runAsViewer("wsemail:plugin-list");
        assertNull(list.errorMessage());
        assertTrue(list.output(), list.output().contains("Name"));

        CommandResult install = runAsViewer("wsemail:plugin-install " + SUBJECT_TAG_LOCATION);
        assertEquals("Insufficient credentials.", install.errorMessage());
        assertTrue(Arrays.stream(bundleContext.getBundles()).noneMatch(b -> SUBJECT_TAG_BSN.equals(b.getSymbolicName())));

        assertEquals("Insufficient credentials.", runAsViewer("wsemail:stage-disable sending").errorMessage());
        assertTrue(pluginAdmin.stages().get(0).enabled());
    }

    @Test
    public void badInputGetsAClearShellErrorAndChangesNothing() throws Exception {
        assertEquals("no plug-in named 'nope' (wsemail:plugin-list shows them)",
                runAsAdmin("wsemail:plugin-priority nope 5").errorMessage());
        assertEquals("unknown stage 'bogus'; stages are sending, delivery, extension",
                runAsAdmin("wsemail:stage-disable bogus").errorMessage());
        String missing = runAsAdmin("wsemail:plugin-install mvn:org.wsemail.plugins/no-such-plugin/9.9").errorMessage();
        assertTrue(missing, missing.startsWith("cannot deploy mvn:org.wsemail.plugins/no-such-plugin/9.9: "));
        assertNull(bundleContext.getBundle("mvn:org.wsemail.plugins/no-such-plugin/9.9"));
        assertFalse(pluginListFile().contains("no-such-plugin"));
    }

    @Test
    public void thePluginListFileInstallsAndRemovesBundlesAndOverridesSurviveReinstall() throws Exception {
        Path list = etc("org.wsemail.plugins.cfg");
        String original = Files.readString(list);

        Files.writeString(list, "plugins = " + SUBJECT_TAG_LOCATION + "\n", StandardCharsets.UTF_8);
        await("the listed plug-in to be installed", () -> pluginAdmin.plugin("subject-tag").isPresent());
        runAsAdminOk("wsemail:plugin-priority subject-tag 42");

        Files.writeString(list, "plugins =\n", StandardCharsets.UTF_8);
        await("the unlisted plug-in to be uninstalled", () -> pluginAdmin.plugins().isEmpty()
                && Arrays.stream(bundleContext.getBundles()).noneMatch(b -> SUBJECT_TAG_BSN.equals(b.getSymbolicName())));

        Files.writeString(list, "plugins = " + SUBJECT_TAG_LOCATION + "\n", StandardCharsets.UTF_8);
        await("the plug-in to come back", () -> pluginAdmin.plugin("subject-tag").isPresent());
        assertEquals(42, pluginAdmin.plugin("subject-tag").orElseThrow().effectivePriority());

        runAsAdminOk("wsemail:plugin-priority --reset subject-tag");
        Files.writeString(list, original, StandardCharsets.UTF_8);
        await("the plug-in and its bundle to go again", () -> pluginAdmin.plugins().isEmpty()
                && Arrays.stream(bundleContext.getBundles()).noneMatch(b -> SUBJECT_TAG_BSN.equals(b.getSymbolicName())));
    }

    private String sendSubject(String subject) {
        MailMessage message = MailMessage.builder().sender(ALICE).recipient(BOB).subject(subject).body("hi").build();
        SendingOutcome outcome = pipeline.send(message, ENV);
        assertTrue(outcome.toString(), outcome.isAccepted());
        return outcome.message().orElseThrow().subject();
    }

    private void tagInstance(String name, String tag, int ranking) throws Exception {
        Configuration configuration = configurationAdmin.createFactoryConfiguration(SUBJECT_TAG_FACTORY, "?");
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("wsemail.plugin.name", name);
        props.put("tag", tag);
        props.put("service.ranking", ranking);
        configuration.update(props);
    }

    /** A weak reference only: the test must not itself keep the plug-in's classes alive. */
    private WeakReference<ClassLoader> classLoaderOfPlugin(String name) throws Exception {
        Collection<ServiceReference<SendingProcessor>> refs =
                bundleContext.getServiceReferences(SendingProcessor.class, "(wsemail.plugin.name=" + name + ")");
        ServiceReference<SendingProcessor> ref = refs.iterator().next();
        try {
            return new WeakReference<>(bundleContext.getService(ref).getClass().getClassLoader());
        } finally {
            bundleContext.ungetService(ref);
        }
    }

    private static void assertClassLoaderCollected(WeakReference<ClassLoader> loader) throws InterruptedException {
        for (int i = 0; i < 50 && loader.get() != null; i++) {
            System.gc();
            Thread.sleep(100);
        }
        assertNull("the uninstalled plug-in's class loader is still reachable: a leak", loader.get());
    }

    /** The {@code plugins} property as the file on disk says now. */
    private static String pluginListFile() {
        java.util.Properties props = new java.util.Properties();
        try (var reader = Files.newBufferedReader(etc("org.wsemail.plugins.cfg"))) {
            props.load(reader);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return props.getProperty("plugins", "");
    }

    private static Path etc(String file) {
        return Path.of(System.getProperty("karaf.etc"), file);
    }

    /** Pushes messages through sending and delivery until stopped, recording what comes out. */
    private final class Producer implements Runnable {
        final Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
        final Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
        final AtomicLong produced = new AtomicLong();
        final AtomicLong delivered = new AtomicLong();
        volatile boolean running = true;
        volatile String lastSubject = "";

        @Override
        public void run() {
            while (running) {
                try {
                    MailMessage message = MailMessage.builder().messageId("load-" + produced.incrementAndGet())
                            .sender(ALICE).recipient(BOB).subject("load").body("x").build();
                    SendingOutcome sent = pipeline.send(message, ENV);
                    if (!sent.isAccepted()) {
                        errors.add(new AssertionError("rejected: " + sent));
                        continue;
                    }
                    DeliveryOutcome outcome = pipeline.deliver(sent.message().orElseThrow(), BOB, ENV);
                    outcomes.computeIfAbsent(outcome.message().messageId(), id -> new AtomicInteger()).incrementAndGet();
                    lastSubject = outcome.message().subject();
                    delivered.incrementAndGet();
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                } catch (Throwable e) {
                    errors.add(e);
                }
            }
        }
    }
}
