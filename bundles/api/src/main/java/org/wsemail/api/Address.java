package org.wsemail.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A mail address {@code local@domain}. The domain is case-insensitive and kept in lower case; the
 * local part is kept as given. Immutable and thread-safe.
 */
public final class Address {
    private final String localPart;
    private final String domain;

    private Address(String localPart, String domain) {
        this.localPart = localPart;
        this.domain = domain;
    }

    /**
     * Builds an address from its two parts.
     *
     * @throws IllegalArgumentException if either part is empty or holds characters not allowed there
     */
    public static Address of(String localPart, String domain) {
        Objects.requireNonNull(localPart, "localPart");
        Objects.requireNonNull(domain, "domain");
        if (localPart.isEmpty() || localPart.length() > 64 || !localPart.chars().allMatch(Address::isLocalChar)) {
            throw new IllegalArgumentException("not a valid local part: '" + localPart + "'");
        }
        String lower = domain.toLowerCase(Locale.ROOT);
        if (lower.isEmpty() || lower.length() > 253 || lower.startsWith(".") || lower.endsWith(".")
                || lower.contains("..") || !lower.chars().allMatch(Address::isDomainChar)) {
            throw new IllegalArgumentException("not a valid domain: '" + domain + "'");
        }
        return new Address(localPart, lower);
    }

    /**
     * Parses {@code local@domain}.
     *
     * @throws IllegalArgumentException with a message naming the text if it is not an address
     */
    public static Address parse(String text) {
        Objects.requireNonNull(text, "text");
        int at = text.lastIndexOf('@');
        if (at <= 0 || at == text.length() - 1) {
            throw new IllegalArgumentException("not a mail address (expected local@domain): '" + text + "'");
        }
        return of(text.substring(0, at), text.substring(at + 1));
    }

    /**
     * Parses a comma-separated list of addresses, e.g. {@code a@x.test, b@y.test}; none for null or
     * blank text.
     *
     * @throws IllegalArgumentException naming the first text that is not an address
     */
    public static List<Address> parseList(String text) {
        List<Address> addresses = new ArrayList<>();
        if (text != null && !text.isBlank()) {
            for (String address : text.split(",")) {
                addresses.add(parse(address.trim()));
            }
        }
        return List.copyOf(addresses);
    }

    private static boolean isLocalChar(int c) {
        return c > 32 && c < 127 && c != '@' && c != '<' && c != '>' && c != '(' && c != ')'
                && c != ',' && c != ';' && c != ':' && c != '\\' && c != '"' && c != '[' && c != ']';
    }

    private static boolean isDomainChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    }

    public String localPart() {
        return localPart;
    }

    public String domain() {
        return domain;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Address other && localPart.equals(other.localPart) && domain.equals(other.domain);
    }

    @Override
    public int hashCode() {
        return 31 * localPart.hashCode() + domain.hashCode();
    }

    @Override
    public String toString() {
        return localPart + "@" + domain;
    }
}
