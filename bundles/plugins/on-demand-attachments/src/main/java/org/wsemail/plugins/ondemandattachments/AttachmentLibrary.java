package org.wsemail.plugins.ondemandattachments;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsemail.api.Address;
import org.wsemail.api.Attachment;
import org.wsemail.api.plugin.MailContext;
import org.wsemail.plugins.ondemandattachments.Records.Kept;
import org.wsemail.plugins.ondemandattachments.Records.Staged;
import org.wsemail.plugins.ondemandattachments.Records.Version;

/**
 * The attachments this server keeps for its users' messages, and what may be done with them: a
 * user uploads (stages) a content for a message to come; sending the message keeps it, for the
 * message's recipients; a recipient (or the sender) fetches any version; the sender publishes new
 * versions or withdraws it. Contents are on disk ({@link ContentStore}), descriptions in the
 * plug-in's store ({@link Records}). Retention and a per-user quota are settings. A service of this
 * bundle only, shared by the plug-in's processors and its endpoints. Thread-safe.
 */
@Component(service = AttachmentLibrary.class, configurationPid = AttachmentLibrary.PID)
@Designate(ocd = AttachmentLibrary.Config.class)
public class AttachmentLibrary {
    static final String PID = "org.wsemail.plugins.ondemandattachments";
    private static final Logger LOG = LoggerFactory.getLogger(AttachmentLibrary.class);

    @ObjectClassDefinition(name = "WSEmail on-demand attachments")
    public @interface Config {
        @AttributeDefinition(name = "Base URL", description = "This server's web services as recipients reach them,"
                + " e.g. https://mail.a.example:8443/wsemail; empty: https://<domain>:8443/wsemail")
        String base_url() default "";

        @AttributeDefinition(name = "Largest attachment (MiB)")
        long max_attachment_mib() default 512;

        @AttributeDefinition(name = "Quota per user (MiB)", description = "All versions of all attachments a user keeps here")
        long quota_mib() default 1_024;

        @AttributeDefinition(name = "Retention (days)", description = "How long an attachment is kept after its last version was published")
        int retention_days() default 90;

        @AttributeDefinition(name = "Unsent uploads kept (h)", description = "An upload no message named within this time is removed")
        int staged_hours() default 24;
    }

    /** Why an operation is refused, in words for the caller, with a stable code. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        final String code;

        Refused(String code, String message) {
            super(message);
            this.code = code;
        }
    }

    static final String NOT_AUTHORIZED = "NotAuthorized";
    static final String NOT_FOUND = "NoSuchAttachment";
    static final String WITHDRAWN = "Withdrawn";
    static final String QUOTA = "QuotaExceeded";
    static final String TOO_LARGE = "MessageTooLarge";

    private final MailContext context;
    private final ContentStore contents;
    private final Records records;
    private final Clock clock;
    private final URI location;
    private final long maxBytes;
    private final long quotaBytes;
    private final Duration retention;
    private final Duration stagedFor;
    private final ScheduledExecutorService sweeper;

    @Activate
    public AttachmentLibrary(Config config, @Reference MailContext context) throws IOException {
        this(config, context, Path.of(System.getProperty("karaf.data", "data"), "wsemail", "attachments"), Clock.systemUTC());
        sweeper.scheduleWithFixedDelay(this::sweep, 1, 60, TimeUnit.MINUTES);
    }

    AttachmentLibrary(Config config, MailContext context, Path root, Clock clock) throws IOException {
        this.context = context;
        this.contents = new ContentStore(root);
        this.records = new Records(context.store());
        this.clock = clock;
        String base = config.base_url().isBlank() ? "https://" + context.domain() + ":8443/wsemail" : config.base_url().trim();
        this.location = URI.create(base.replaceAll("/+$", ""));
        if (!"https".equalsIgnoreCase(location.getScheme())) {
            throw new IllegalArgumentException("base.url must be an https URL, not " + base);
        }
        this.maxBytes = config.max_attachment_mib() << 20;
        this.quotaBytes = config.quota_mib() << 20;
        this.retention = Duration.ofDays(config.retention_days());
        this.stagedFor = Duration.ofHours(config.staged_hours());
        this.sweeper = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "wsemail-attachments-retention");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Deactivate
    void deactivate() {
        sweeper.shutdownNow();
    }

    /** Where recipients fetch this server's attachments: the base of its attachments services. */
    URI location() {
        return location;
    }

    /**
     * Stages an upload of a local user for a message to come: written to disk as it arrives, hashed,
     * charged to the user's quota.
     */
    Staged upload(Address owner, String name, String contentType, InputStream content) throws Refused, IOException {
        if (!context.isLocalUser(owner)) {
            throw new Refused(NOT_AUTHORIZED, "only users of " + context.domain() + " keep attachments here");
        }
        if (name == null || name.isBlank() || name.length() > 255 || contentType == null || contentType.isBlank()) {
            throw new Refused("BadRequest", "an attachment needs a name (up to 255 characters) and a content type");
        }
        ContentStore.Written written;
        try {
            written = contents.write(content, maxBytes);
        } catch (ContentStore.TooLarge e) {
            throw new Refused(TOO_LARGE, "the attachment is " + e.getMessage());
        }
        if (!records.charge(owner, written.size(), quotaBytes)) {
            deleteIfUnreferenced(written.sha256());
            throw new Refused(QUOTA, "the attachment (" + mib(written.size()) + ") does not fit in your quota of " + mib(quotaBytes)
                    + " (" + mib(records.usage(owner)) + " used)");
        }
        Staged staged = new Staged(UUID.randomUUID().toString(), owner, name, contentType, written.size(), written.sha256(),
                clock.instant());
        records.stage(staged);
        LOG.info("{} uploaded {} ({} bytes, SHA-256 {}) for a message to come", owner, name, written.size(), written.sha256());
        return staged;
    }

    /**
     * Keeps the attachments of a message being sent and returns the message's attachments as
     * descriptions: a staged upload of the sender is taken over; an inline one is stored first.
     * Recipients are the message's.
     */
    List<Attachment> keep(Address sender, String messageId, List<Address> recipients, List<Attachment> attachments)
            throws Refused, IOException {
        List<Attachment> described = new ArrayList<>();
        for (Attachment attachment : attachments) {
            Optional<Attachment.OnDemand> onDemand = attachment.onDemand();
            if (onDemand.isPresent() && onDemand.get().location() != null) {
                throw new Refused("BadRequest", "attachment " + attachment.name() + " names where to fetch it; only this server"
                        + " writes that, for what it keeps (fetch the file and attach it)");
            }
            Staged staged;
            if (onDemand.isPresent()) {
                staged = records.staged(onDemand.get().guid()).filter(s -> s.owner().equals(sender))
                        .orElseThrow(() -> new Refused(NOT_FOUND, "no upload " + onDemand.get().guid() + " of yours to send"));
            } else {
                staged = upload(sender, attachment.name(), attachment.contentType(), new java.io.ByteArrayInputStream(attachment.content()));
            }
            String guid = UUID.randomUUID().toString();
            Version first = new Version(1, attachment.name(), attachment.contentType(), staged.size(), staged.sha256(), clock.instant());
            records.keep(new Kept(guid, sender, messageId, new LinkedHashSet<>(recipients), false, List.of(first)));
            records.unstage(staged.id());
            described.add(Attachment.onDemand(attachment.name(), attachment.contentType(),
                    new Attachment.OnDemand(guid, staged.size(), staged.sha256(), 1, location)));
            LOG.info("Message {} of {} keeps {} on demand as {} for {}", messageId, sender, attachment.name(), guid, recipients);
        }
        return described;
    }

    /** The attachment, for someone who may fetch it: the sender or one of the message's recipients. */
    Kept forReader(String guid, Address reader) throws Refused {
        Kept kept = records.kept(guid).orElseThrow(() -> new Refused(NOT_FOUND, "no attachment " + guid + " here"));
        if (!kept.mayFetch(reader)) {
            LOG.warn("Refused attachment {} to {}: not a recipient of message {}", guid, reader, kept.messageId());
            throw new Refused(NOT_AUTHORIZED, reader + " is not a recipient of the message that carries attachment " + guid);
        }
        if (kept.withdrawn()) {
            throw new Refused(WITHDRAWN, "the sender withdrew attachment " + guid + " (" + kept.newest().name() + ")");
        }
        return kept;
    }

    /** The content of a version (the newest for null) of an attachment, for a reader who may fetch it. */
    Fetched fetch(String guid, Integer number, Address reader) throws Refused {
        Kept kept = forReader(guid, reader);
        Version version = number == null ? kept.newest()
                : kept.version(number).orElseThrow(() -> new Refused(NOT_FOUND, "attachment " + guid + " has no version " + number));
        Path file = contents.path(version.sha256());
        if (!Files.isRegularFile(file)) {
            throw new Refused(NOT_FOUND, "the content of attachment " + guid + " version " + version.number() + " is gone");
        }
        LOG.info("{} fetches attachment {} version {} ({} bytes)", reader, guid, version.number(), version.size());
        return new Fetched(version, file);
    }

    /** A version and the file it is in. */
    record Fetched(Version version, Path file) {
    }

    /** The sender's attachment sent with message {@code messageId} under {@code name}. */
    Kept owned(Address owner, String messageId, String name) throws Refused {
        Kept kept = records.byMessage(messageId, name)
                .orElseThrow(() -> new Refused(NOT_FOUND, "message " + messageId + " kept no attachment " + name + " here"));
        if (!kept.owner().equals(owner)) {
            throw new Refused(NOT_AUTHORIZED, "only the sender of message " + messageId + " changes its attachments");
        }
        return kept;
    }

    /**
     * Publishes a staged upload of the owner as the next version of their attachment. A refused
     * publication discards the caller's upload at once (it was made for it), rather than leaving it
     * on their quota until the sweep.
     */
    Version publish(Address owner, String messageId, String name, String uploadId) throws Refused, IOException {
        Staged staged = records.staged(uploadId).filter(s -> s.owner().equals(owner))
                .orElseThrow(() -> new Refused(NOT_FOUND, "no upload " + uploadId + " of yours to publish"));
        Kept kept;
        try {
            kept = owned(owner, messageId, name);
            if (kept.withdrawn()) {
                throw new Refused(WITHDRAWN, "attachment " + name + " of message " + messageId + " was withdrawn");
            }
        } catch (Refused e) {
            discard(staged);
            throw e;
        }
        Version next = new Version(kept.newest().number() + 1, kept.newest().name(), staged.contentType(), staged.size(), staged.sha256(),
                clock.instant());
        List<Version> versions = new ArrayList<>(kept.versions());
        versions.add(next);
        records.keep(new Kept(kept.guid(), kept.owner(), kept.messageId(), kept.recipients(), false, List.copyOf(versions)));
        records.unstage(uploadId);
        LOG.info("{} published version {} of attachment {} ({} bytes, SHA-256 {})", owner, next.number(), kept.guid(), next.size(),
                next.sha256());
        return next;
    }

    /** Withdraws the owner's attachment: no one fetches it any more, and its contents are removed. */
    void withdraw(Address owner, String messageId, String name) throws Refused, IOException {
        Kept kept = owned(owner, messageId, name);
        records.keep(new Kept(kept.guid(), kept.owner(), kept.messageId(), kept.recipients(), true, kept.versions()));
        release(kept);
        LOG.info("{} withdrew attachment {} ({}) of message {}", owner, kept.guid(), name, messageId);
    }

    /** Forgets an upload, gives its size back to its owner, and removes its content unless something else holds it. */
    private void discard(Staged staged) throws IOException {
        records.unstage(staged.id());
        records.refund(staged.owner(), staged.size());
        deleteIfUnreferenced(staged.sha256());
    }

    /** Removes unsent uploads and attachments past their retention. */
    void sweep() {
        try {
            Instant now = clock.instant();
            for (Staged staged : records.stagedBefore(now.minus(stagedFor))) {
                discard(staged);
            }
            // The records are read once for all expired attachments, not once for each of their versions.
            Set<String> released = new HashSet<>();
            for (Kept kept : records.all()) {
                if (kept.lastPublished().isBefore(now.minus(retention))) {
                    records.forget(kept);
                    if (!kept.withdrawn()) {
                        for (Version version : kept.versions()) {
                            records.refund(kept.owner(), version.size());
                            released.add(version.sha256());
                        }
                    }
                    LOG.info("Attachment {} of {} passed its retention and was removed", kept.guid(), kept.owner());
                }
            }
            if (!released.isEmpty()) {
                released.removeAll(records.referencedContents());
                for (String sha256 : released) {
                    contents.delete(sha256);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("The attachments' retention sweep failed: {}", e.getMessage());
        }
    }

    private void release(Kept kept) throws IOException {
        for (Version version : kept.versions()) {
            records.refund(kept.owner(), version.size());
            deleteIfUnreferenced(version.sha256());
        }
    }

    private void deleteIfUnreferenced(String sha256) throws IOException {
        if (!records.referenced(sha256)) {
            contents.delete(sha256);
        }
    }

    Records records() {
        return records;
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
