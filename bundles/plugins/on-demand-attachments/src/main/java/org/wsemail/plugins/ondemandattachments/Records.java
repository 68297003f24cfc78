package org.wsemail.plugins.ondemandattachments;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import org.wsemail.api.Address;
import org.wsemail.api.plugin.PluginStore;

/**
 * What describes the attachments kept here, in the plug-in's store (the server's database): each
 * attachment with its owner (the sender), the message it came with, who may fetch it (that message's
 * recipients), whether it was withdrawn, and its versions (each with its SHA-256, size, type and
 * time); uploads waiting for the message that names them; how much each user keeps. Thread-safe
 * through the store's atomic updates.
 */
final class Records {
    private static final String STAGED = "staged.";
    private static final String ATTACHMENT = "attachment.";
    private static final String BY_MESSAGE = "message.";
    static final String USAGE = "usage";

    /** One version of an attachment. */
    record Version(int number, String name, String contentType, long size, String sha256, Instant published) {
    }

    /** An upload a client made for a message to come. */
    record Staged(String id, Address owner, String name, String contentType, long size, String sha256, Instant at) {
    }

    /** An attachment kept here. */
    record Kept(String guid, Address owner, String messageId, Set<Address> recipients, boolean withdrawn, List<Version> versions) {
        Version newest() {
            return versions.get(versions.size() - 1);
        }

        Optional<Version> version(int number) {
            return versions.stream().filter(v -> v.number() == number).findFirst();
        }

        boolean mayFetch(Address who) {
            return who.equals(owner) || recipients.contains(who);
        }

        Instant lastPublished() {
            return newest().published();
        }
    }

    private final PluginStore store;

    Records(PluginStore store) {
        this.store = store;
    }

    void stage(Staged staged) {
        store.put(STAGED + staged.id(), String.join("\t", staged.owner().toString(), staged.name(), staged.contentType(),
                String.valueOf(staged.size()), staged.sha256(), String.valueOf(staged.at().getEpochSecond())));
    }

    Optional<Staged> staged(String id) {
        return store.get(STAGED + id).map(value -> {
            String[] f = value.split("\t", -1);
            return new Staged(id, Address.parse(f[0]), f[1], f[2], Long.parseLong(f[3]), f[4], Instant.ofEpochSecond(Long.parseLong(f[5])));
        });
    }

    void unstage(String id) {
        store.remove(STAGED + id);
    }

    /** The uploads that were never named by a message since {@code before}. */
    List<Staged> stagedBefore(Instant before) {
        List<Staged> old = new ArrayList<>();
        for (String key : keys(STAGED)) {
            staged(key.substring(STAGED.length())).filter(s -> s.at().isBefore(before)).ifPresent(old::add);
        }
        return old;
    }

    void keep(Kept kept) {
        store.put(ATTACHMENT + kept.guid(), text(kept));
        store.put(BY_MESSAGE + kept.messageId() + "/" + kept.newest().name(), kept.guid());
    }

    Optional<Kept> kept(String guid) {
        return store.get(ATTACHMENT + guid).map(text -> kept(guid, text));
    }

    /** The attachment a message of {@code messageId} carried under {@code name}. */
    Optional<Kept> byMessage(String messageId, String name) {
        return store.get(BY_MESSAGE + messageId + "/" + name).flatMap(this::kept);
    }

    /** Every attachment kept, for the retention sweep. */
    List<Kept> all() {
        List<Kept> all = new ArrayList<>();
        for (String key : keys(ATTACHMENT)) {
            kept(key.substring(ATTACHMENT.length())).ifPresent(all::add);
        }
        return all;
    }

    void forget(Kept kept) {
        store.remove(ATTACHMENT + kept.guid());
        for (Version version : kept.versions()) {
            store.remove(BY_MESSAGE + kept.messageId() + "/" + version.name());
        }
    }

    /** Whether any kept attachment still has a version with this content. */
    boolean referenced(String sha256) {
        return referencedContents().contains(sha256);
    }

    /** The contents (SHA-256) that a version of an attachment still kept, or an upload, uses: read once, for many checks. */
    Set<String> referencedContents() {
        Set<String> used = new HashSet<>();
        all().stream().filter(k -> !k.withdrawn()).flatMap(k -> k.versions().stream()).forEach(v -> used.add(v.sha256()));
        keys(STAGED).stream().map(k -> staged(k.substring(STAGED.length()))).flatMap(Optional::stream)
                .forEach(s -> used.add(s.sha256()));
        return used;
    }

    /** Adds {@code bytes} to what the user keeps here, unless it would exceed {@code quota}; true if it did not. */
    boolean charge(Address user, long bytes, long quota) {
        boolean[] fits = new boolean[1];
        store.update(user, USAGE, current -> {
            long used = current == null ? 0 : Long.parseLong(current);
            fits[0] = used + bytes <= quota;
            return String.valueOf(fits[0] ? used + bytes : used);
        });
        return fits[0];
    }

    void refund(Address user, long bytes) {
        store.update(user, USAGE, current -> {
            long used = current == null ? 0 : Long.parseLong(current);
            return String.valueOf(Math.max(0, used - bytes));
        });
    }

    long usage(Address user) {
        return store.get(user, USAGE).map(Long::parseLong).orElse(0L);
    }

    private List<String> keys(String prefix) {
        return List.copyOf(store.entriesStartingWith(prefix).keySet());
    }

    private static String text(Kept kept) {
        Properties fields = new Properties();
        fields.setProperty("owner", kept.owner().toString());
        fields.setProperty("message", kept.messageId());
        fields.setProperty("recipients", kept.recipients().stream().map(Address::toString).collect(Collectors.joining(",")));
        fields.setProperty("withdrawn", String.valueOf(kept.withdrawn()));
        for (Version v : kept.versions()) {
            fields.setProperty("v" + v.number(), String.join("\t", v.name(), v.contentType(), String.valueOf(v.size()), v.sha256(),
                    String.valueOf(v.published().getEpochSecond())));
        }
        StringWriter out = new StringWriter();
        try {
            fields.store(out, null);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    private static Kept kept(String guid, String text) {
        Properties fields = new Properties();
        try {
            fields.load(new StringReader(text));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Set<Address> recipients = new LinkedHashSet<>();
        for (String address : fields.getProperty("recipients", "").split(",")) {
            if (!address.isBlank()) {
                recipients.add(Address.parse(address));
            }
        }
        List<Version> versions = new ArrayList<>();
        for (int n = 1; fields.containsKey("v" + n); n++) {
            String[] f = fields.getProperty("v" + n).split("\t", -1);
            versions.add(new Version(n, f[0], f[1], Long.parseLong(f[2]), f[3], Instant.ofEpochSecond(Long.parseLong(f[4]))));
        }
        return new Kept(guid, Address.parse(fields.getProperty("owner")), fields.getProperty("message"), recipients,
                Boolean.parseBoolean(fields.getProperty("withdrawn")), List.copyOf(versions));
    }
}
