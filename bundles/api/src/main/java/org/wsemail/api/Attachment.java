package org.wsemail.api;

import java.util.Arrays;
import java.util.Objects;

/** A named attachment with its content type and bytes. Immutable: the bytes are copied in and out. */
public final class Attachment {
    private final String name;
    private final String contentType;
    private final byte[] content;

    public Attachment(String name, String contentType, byte[] content) {
        this.name = Objects.requireNonNull(name, "name");
        this.contentType = Objects.requireNonNull(contentType, "contentType");
        this.content = Objects.requireNonNull(content, "content").clone();
    }

    public String name() {
        return name;
    }

    public String contentType() {
        return contentType;
    }

    /** A copy of the bytes. */
    public byte[] content() {
        return content.clone();
    }

    public int size() {
        return content.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Attachment other && name.equals(other.name) && contentType.equals(other.contentType)
                && Arrays.equals(content, other.content);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, contentType, Arrays.hashCode(content));
    }

    @Override
    public String toString() {
        return name + " (" + contentType + ", " + content.length + " bytes)";
    }
}
