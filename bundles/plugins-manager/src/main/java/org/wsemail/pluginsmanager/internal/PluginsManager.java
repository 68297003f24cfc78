package org.wsemail.pluginsmanager.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Element;
import org.wsemail.api.Address;
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
import org.wsemail.api.runtime.MessagePipeline;
import org.wsemail.api.runtime.PluginAdmin;
import org.wsemail.api.runtime.PluginDTO;
import org.wsemail.api.runtime.SendingOutcome;
import org.wsemail.api.runtime.StageDTO;

/**
 * The Plug-ins Manager. A whiteboard of {@link SendingProcessor}, {@link DeliveryProcessor} and
 * {@link ExtensionProcessor} services, kept as an immutable {@link ChainSnapshot} that each call of
 * the {@link MessagePipeline} reads once, without locks. Binding, unbinding, ranking changes and
 * administrators' overrides build a new snapshot under a lock; the next call sees it.
 */
@Component(service = {MessagePipeline.class, PluginAdmin.class, ConfigurationListener.class}, configurationPid = PluginsManager.PID)
@Designate(ocd = PluginsManager.Config.class)
public class PluginsManager implements MessagePipeline, PluginAdmin, ConfigurationListener {
    static final String PID = "org.wsemail.pluginsmanager";

    private static final Logger LOG = LoggerFactory.getLogger(PluginsManager.class);

    @ObjectClassDefinition(name = "WSEmail plug-ins manager",
            description = "How the server runs its sending, delivery and extension plug-ins.")
    public @interface Config {
        @AttributeDefinition(name = "Plug-in time limit (ms)",
                description = "A plug-in call running longer is abandoned, counted as a failure, and the"
                        + " message goes on without it. 0 runs plug-ins on the caller's thread without a limit.")
        long plugin_timeout_ms() default 5000;
    }

    private final Object lock = new Object();
    private final Map<Long, PluginEntry> entries = new HashMap<>();
    private final OverridesStore store;
    private final PluginInvoker invoker;
    private final ExecutorService workers;
    private volatile ChainSnapshot snapshot = ChainSnapshot.EMPTY;

    @Activate
    public PluginsManager(@Reference ConfigurationAdmin configurationAdmin, Config config) {
        this(new ConfigAdminOverridesStore(configurationAdmin), config.plugin_timeout_ms());
    }

    PluginsManager(OverridesStore store, long timeoutMillis) {
        this.store = store;
        this.workers = Executors.newCachedThreadPool(new WorkerThreads());
        this.invoker = new PluginInvoker(workers, timeoutMillis);
        Overrides loaded = store.load();
        synchronized (lock) {
            snapshot = ChainSnapshot.build(List.of(), loaded);
        }
    }

    @Modified
    void modified(Config config) {
        invoker.setTimeoutMillis(config.plugin_timeout_ms());
    }

    @Deactivate
    void deactivate() {
        workers.shutdownNow();
    }

    /**
     * The overrides changed outside this manager (an administrator's edit of their file, or another
     * server node's change shared through the database): the chains follow them.
     */
    @Override
    public void configurationEvent(ConfigurationEvent event) {
        if (!ConfigAdminOverridesStore.PID.equals(event.getPid()) || event.getType() == ConfigurationEvent.CM_LOCATION_CHANGED) {
            return;
        }
        synchronized (lock) {
            // Read under the lock that changes take while they store and publish: an event of an
            // earlier change, handled late, then reads what is stored now, not what it was then.
            Overrides stored = store.load();
            if (!stored.toProperties().equals(snapshot.overrides().toProperties())) {
                publish(stored);
                LOG.info("Plug-in priorities and enabled states changed in {}; the chains follow", ConfigAdminOverridesStore.PID);
            }
        }
    }

    // ---- whiteboard ------------------------------------------------------------------------

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindSendingProcessor(ServiceReference<SendingProcessor> ref, SendingProcessor processor) {
        bind(Stage.SENDING, PluginSource.of(ref), processor);
    }

    void updatedSendingProcessor(ServiceReference<SendingProcessor> ref) {
        updated(PluginSource.of(ref));
    }

    void unbindSendingProcessor(ServiceReference<SendingProcessor> ref) {
        unbind(Stage.SENDING, PluginSource.of(ref).serviceId());
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindDeliveryProcessor(ServiceReference<DeliveryProcessor> ref, DeliveryProcessor processor) {
        bind(Stage.DELIVERY, PluginSource.of(ref), processor);
    }

    void updatedDeliveryProcessor(ServiceReference<DeliveryProcessor> ref) {
        updated(PluginSource.of(ref));
    }

    void unbindDeliveryProcessor(ServiceReference<DeliveryProcessor> ref) {
        unbind(Stage.DELIVERY, PluginSource.of(ref).serviceId());
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindExtensionProcessor(ServiceReference<ExtensionProcessor> ref, ExtensionProcessor processor) {
        bind(Stage.EXTENSION, PluginSource.of(ref), processor);
    }

    void updatedExtensionProcessor(ServiceReference<ExtensionProcessor> ref) {
        updated(PluginSource.of(ref));
    }

    void unbindExtensionProcessor(ServiceReference<ExtensionProcessor> ref) {
        unbind(Stage.EXTENSION, PluginSource.of(ref).serviceId());
    }

    void bind(Stage stage, PluginSource source, Object processor) {
        synchronized (lock) {
            PluginEntry existing = entries.get(source.serviceId());
            PluginEntry entry = existing == null
                    ? PluginEntry.of(uniquelyNamed(source), stage, processor)
                    : existing.withProcessor(stage, processor);
            entries.put(source.serviceId(), entry);
            publish(snapshot.overrides());
            LOG.info("Plug-in '{}' joined the {} stage (bundle {})", entry.name(), stage.label(),
                    source.bundleSymbolicName());
        }
    }

    void updated(PluginSource source) {
        synchronized (lock) {
            PluginEntry existing = entries.get(source.serviceId());
            if (existing != null) {
                PluginSource renamed = existing.name().equals(source.name()) ? source : uniquelyNamed(source);
                entries.put(source.serviceId(), existing.withSource(renamed));
                publish(snapshot.overrides());
            }
        }
    }

    void unbind(Stage stage, long serviceId) {
        synchronized (lock) {
            PluginEntry existing = entries.get(serviceId);
            if (existing == null) {
                return;
            }
            PluginEntry remaining = existing.withoutProcessor(stage);
            if (remaining.processors().isEmpty()) {
                entries.remove(serviceId);
            } else {
                entries.put(serviceId, remaining);
            }
            publish(snapshot.overrides());
            LOG.info("Plug-in '{}' left the {} stage", existing.name(), stage.label());
        }
    }

    /** Names must be unique: they key the overrides. A second service claiming a name gets a suffix. */
    private PluginSource uniquelyNamed(PluginSource source) {
        boolean taken = entries.values().stream()
                .anyMatch(e -> e.name().equals(source.name()) && e.source().serviceId() != source.serviceId());
        if (!taken) {
            return source;
        }
        String unique = source.name() + "#" + source.serviceId();
        LOG.warn("Two plug-ins are named '{}'; the one from bundle {} is called '{}' until it is renamed",
                source.name(), source.bundleSymbolicName(), unique);
        return source.withName(unique);
    }

    private void publish(Overrides overrides) {
        snapshot = ChainSnapshot.build(entries.values(), overrides);
    }

    // ---- message path ----------------------------------------------------------------------

    @Override
    public SendingOutcome send(MailMessage message, ProcessingEnvironment env) {
        MailMessage current = message;
        for (PluginEntry entry : snapshot.chain(Stage.SENDING)) {
            SendingProcessor processor = entry.processor(Stage.SENDING, SendingProcessor.class);
            MailMessage input = current;
            SendingDecision decision = invoker.call(entry, Stage.SENDING, "message " + input.messageId(),
                    () -> processor.process(input, env));
            if (decision == null) {
                continue;
            }
            if (decision.isRejected()) {
                return SendingOutcome.rejected(entry.name(), decision.rejectionReason().orElseThrow());
            }
            current = decision.replacement().orElse(input);
        }
        return SendingOutcome.accepted(current);
    }

    @Override
    public DeliveryOutcome deliver(MailMessage message, Address recipient, ProcessingEnvironment env) {
        ProcessingEnvironment scoped = env.forRecipient(recipient);
        MailMessage current = message;
        for (PluginEntry entry : snapshot.chain(Stage.DELIVERY)) {
            DeliveryProcessor processor = entry.processor(Stage.DELIVERY, DeliveryProcessor.class);
            MailMessage input = current;
            DeliveryDecision decision = invoker.call(entry, Stage.DELIVERY,
                    "message " + input.messageId() + " for " + recipient,
                    () -> processor.deliver(input, recipient, scoped));
            if (decision == null) {
                continue;
            }
            if (decision.isConsumed()) {
                return DeliveryOutcome.consumed(input, entry.name(), decision.consumedAs().orElseThrow());
            }
            if (decision.isRefused()) {
                return DeliveryOutcome.refused(input, entry.name(), decision.refusalReason().orElseThrow());
            }
            current = decision.replacement().orElse(input);
        }
        return DeliveryOutcome.toMailbox(current);
    }

    @Override
    public Element extension(String extensionId, Element request, ProcessingEnvironment env) throws ExtensionException {
        PluginEntry entry = snapshot.extension(extensionId);
        if (entry == null) {
            throw new ExtensionException(ExtensionException.UNKNOWN_EXTENSION,
                    "this server offers no extension '" + extensionId + "'");
        }
        ExtensionProcessor processor = entry.processor(Stage.EXTENSION, ExtensionProcessor.class);
        Object result = invoker.call(entry, Stage.EXTENSION, "extension " + extensionId + " for " + env.caller(), () -> {
            try {
                return processor.handle(request, env);
            } catch (ExtensionException fault) {
                return fault;
            }
        });
        if (result instanceof ExtensionException fault) {
            throw fault;
        }
        if (result == null) {
            throw new ExtensionException(ExtensionException.EXTENSION_FAILED,
                    "extension '" + extensionId + "' failed; the server log has the details");
        }
        return (Element) result;
    }

    // ---- administration --------------------------------------------------------------------

    @Override
    public List<PluginDTO> plugins() {
        ChainSnapshot current = snapshot;
        List<PluginDTO> dtos = new ArrayList<>();
        for (PluginEntry entry : current.ordered()) {
            dtos.add(toDto(entry, current.overrides()));
        }
        return List.copyOf(dtos);
    }

    @Override
    public Optional<PluginDTO> plugin(String name) {
        return plugins().stream().filter(p -> p.name().equals(name)).findFirst();
    }

    @Override
    public List<StageDTO> stages() {
        ChainSnapshot current = snapshot;
        List<StageDTO> stages = new ArrayList<>();
        for (Stage stage : Stage.values()) {
            stages.add(new StageDTO(stage, current.overrides().isStageEnabled(stage),
                    current.chain(stage).stream().map(PluginEntry::name).toList()));
        }
        return List.copyOf(stages);
    }

    @Override
    public void setPriority(String name, int priority) {
        changePlugin(name, overrides -> overrides.withPriority(name, priority));
        LOG.info("Priority of plug-in '{}' set to {}", name, priority);
    }

    @Override
    public void clearPriority(String name) {
        changePlugin(name, overrides -> overrides.withPriority(name, null));
        LOG.info("Priority override of plug-in '{}' removed", name);
    }

    @Override
    public void setEnabled(String name, boolean enabled) {
        changePlugin(name, overrides -> overrides.withPluginEnabled(name, enabled));
        LOG.info("Plug-in '{}' {}", name, enabled ? "enabled" : "disabled");
    }

    @Override
    public void setStageEnabled(Stage stage, boolean enabled) {
        synchronized (lock) {
            apply(snapshot.overrides().withStageEnabled(stage, enabled));
        }
        LOG.info("Stage {} {}", stage.label(), enabled ? "enabled" : "disabled");
    }

    private void changePlugin(String name, java.util.function.UnaryOperator<Overrides> change) {
        synchronized (lock) {
            if (entries.values().stream().noneMatch(e -> e.name().equals(name))) {
                throw new IllegalArgumentException("no plug-in named '" + name + "' (wsemail:plugin-list shows them)");
            }
            apply(change.apply(snapshot.overrides()));
        }
    }

    /** Stores first, so a change that cannot be persisted is not applied either. */
    private void apply(Overrides next) {
        store.save(next);
        publish(next);
    }

    private static PluginDTO toDto(PluginEntry entry, Overrides overrides) {
        PluginSource source = entry.source();
        PluginEntry.LastError lastError = entry.stats().lastError();
        return new PluginDTO(entry.name(), source.serviceId(), source.bundleId(), source.bundleSymbolicName(),
                source.bundleLocation(), entry.processors().keySet(), source.extensionId(), source.ranking(),
                overrides.priority(entry.name()), ChainSnapshot.effectivePriority(entry, overrides),
                overrides.isPluginEnabled(entry.name()), entry.stats().calls.get(), entry.stats().failures.get(),
                entry.stats().timeouts.get(), lastError == null ? null : lastError.description(),
                lastError == null ? null : lastError.time());
    }

    /** Daemon threads named for thread dumps. */
    private static final class WorkerThreads implements ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, "wsemail-plugin-call-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }
}
