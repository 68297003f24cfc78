package org.wsemail.testing;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.wsemail.api.Address;
import org.wsemail.api.MailMessage;
import org.wsemail.api.ProcessingEnvironment;
import org.wsemail.api.plugin.DeliveryReport;
import org.wsemail.api.plugin.MailContext;
import org.wsemail.api.plugin.PluginStore;
import org.wsemail.api.plugin.SubmissionException;

/**
 * The mail context a plug-in sees, for its unit tests: a domain with the users a test names,
 * messages submitted and bounces recorded instead of sent, and a store in memory. Submitting names
 * the message in the domain, as the server does; {@link #refuseSubmissions} makes it refuse as a
 * sending plug-in would.
 */
public final class RecordingMailContext implements MailContext {
    private final String domain;
    private final Set<Address> users;
    private final PluginStore store;
    private final List<MailMessage> submitted = new CopyOnWriteArrayList<>();
    private final List<Bounce> bounces = new CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();
    private volatile String refusal;
    private final java.util.Map<Address, DeliveryReport> reports = new java.util.concurrent.ConcurrentHashMap<>();

    /** A bounce asked for. */
    public record Bounce(MailMessage original, Address recipient, String reason) {
    }

    public RecordingMailContext(String domain, Address... users) {
        this(domain, new InMemoryPluginStore(), users);
    }

    /** With a store that may outlive this context, as the server's outlives a plug-in. */
    public RecordingMailContext(String domain, PluginStore store, Address... users) {
        this.domain = domain;
        this.users = Set.of(users);
        this.store = store;
    }

    /** The messages submitted so far, as the server would have queued them, oldest first. */
    public List<MailMessage> submitted() {
        return List.copyOf(submitted);
    }

    /** The bounces asked for so far, oldest first. */
    public List<Bounce> bounces() {
        return List.copyOf(bounces);
    }

    /** From now on, submissions are refused with this reason (null: accepted again). */
    public void refuseSubmissions(String reason) {
        this.refusal = reason;
    }

    @Override
    public String domain() {
        return domain;
    }

    @Override
    public Address postmaster() {
        return Address.of("postmaster", domain);
    }

    @Override
    public boolean isLocal(Address address) {
        return address.domain().equals(domain);
    }

    @Override
    public boolean isLocalUser(Address address) {
        return users.contains(address);
    }

    @Override
    public String submit(MailMessage message) throws SubmissionException {
        if (!isLocal(message.sender())) {
            throw new IllegalArgumentException("a plug-in sends only as an address of " + domain);
        }
        if (refusal != null) {
            throw new SubmissionException("test-refusal", refusal);
        }
        String id = "submitted-" + ids.incrementAndGet() + "@" + domain;
        submitted.add(message.toBuilder().messageId(id).build());
        return id;
    }

    /**
     * Records the message as {@link #submit} does (a visitor may send to this domain's users) and
     * reports what {@link #reportFor} says for each recipient, else that it was stored.
     */
    @Override
    public List<DeliveryReport> submitNow(MailMessage message, ProcessingEnvironment sender) throws SubmissionException {
        if (!message.sender().equals(sender.caller())) {
            throw new IllegalArgumentException("the message is from " + message.sender() + ", but the request from " + sender.caller());
        }
        if (refusal != null) {
            throw new SubmissionException("test-refusal", refusal);
        }
        String id = "submitted-" + ids.incrementAndGet() + "@" + domain;
        submitted.add(message.toBuilder().messageId(id).build());
        return message.recipients().stream().map(r -> reports.getOrDefault(r,
                new DeliveryReport(r, DeliveryReport.Outcome.STORED, "message " + submitted.size()))).toList();
    }

    /** From now on, {@link #submitNow} reports this for its recipient. */
    public void reportFor(DeliveryReport report) {
        reports.put(report.recipient(), report);
    }

    @Override
    public void bounce(MailMessage original, Address recipient, String reason) {
        bounces.add(new Bounce(original, recipient, reason));
    }

    @Override
    public PluginStore store() {
        return store;
    }
}
