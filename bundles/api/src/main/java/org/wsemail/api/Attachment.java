package org.wsemail.api;

import java.net.URI;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * A named attachment with its content type: its bytes inline, or, kept on the sending server for the
 * recipients to fetch when they choose to, a description of it ({@link OnDemand}). Immutable: the
 * bytes are copied in and out.
 */
public final class Attachment {
    private final String name;
    private final String contentType;
    private final byte[] content;
    private final OnDemand onDemand;

    /**
     * An attachment kept on the sending server: which one, its size and SHA-256 as sent, which
     * version, and where to fetch it (null while a client only staged it for a message to come).
     *
     * @param guid its id on the sending server
     * @param size its size in bytes
     * @param sha256 the SHA-256 of its bytes, in lower-case hex
     * @param version which version this describes, 1 as first sent
     * @param location the sending server's attachments service, or null
     */
    public record OnDemand(String guid, long size, String sha256, int version, URI location) {
        public OnDemand {
            Objects.requireNonNull(guid, "guid");
            Objects.requireNonNull(sha256, "sha256");
            if (size < 0 || version < 1) {
                throw new IllegalArgumentException("an attachment's size is 0 or more and its version 1 or more");
            }
        }
    }

    public Attachment(String name, String contentType, byte[] content) {
        this.name = Objects.requireNonNull(name, "name");
        this.contentType = Objects.requireNonNull(contentType, "contentType");
        this.content = Objects.requireNonNull(content, "content").clone();
        this.onDemand = null;
    }

    private Attachment(String name, String contentType, OnDemand onDemand) {
        this.name = Objects.requireNonNull(name, "name");
        this.contentType = Objects.requireNonNull(contentType, "contentType");
        this.content = new byte[0];
        this.onDemand = Objects.requireNonNull(onDemand, "onDemand");
    }

    /** An attachment kept on the sending server, described by {@code onDemand}; its bytes are not in the message. */
    public static Attachment onDemand(String name, String contentType, OnDemand onDemand) {
        return new Attachment(name, contentType, onDemand);
    }

    public String name() {
        return name;
    }

    public String contentType() {
        return contentType;
    }

    /** A copy of the bytes in the message: none for an attachment kept on the sending server. */
    public byte[] content() {
        return content.clone();
    }

    /** The bytes the attachment takes in the message itself: 0 for one kept on the sending server. */
    public int size() {
        return content.length;
    }

    /** The description of an attachment kept on the sending server, if it is one. */
    public Optional<OnDemand> onDemand() {
        return Optional.ofNullable(onDemand);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Attachment other && name.equals(other.name) && contentType.equals(other.contentType)
                && Arrays.equals(content, other.content) && Objects.equals(onDemand, other.onDemand);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, contentType, Arrays.hashCode(content), onDemand);
    }

    @Override
    public String toString() {
        return onDemand != null ? name + " (" + contentType + ", " + onDemand.size() + " bytes on demand, version " + onDemand.version() + ")"
                : name + " (" + contentType + ", " + content.length + " bytes)";
    }
}
