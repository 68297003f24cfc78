package org.wsemail.forms.spi;

import java.util.Objects;

/**
 * One field of a form type.
 *
 * @param name the field's name in the form's data, e.g. {@code unit-price}
 * @param label what a person reads beside it, e.g. "Unit price"
 * @param kind what it holds
 * @param required true if a form cannot be sent without it
 * @param computed true if the plug-in fills it from other fields (a total); a user never enters it
 */
public record Field(String name, String label, Kind kind, boolean required, boolean computed) {

    /** What a field holds. */
    public enum Kind { TEXT, NUMBER, DATE, ADDRESS }

    public Field {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(kind, "kind");
        if (!name.matches("[a-z][a-z0-9-]{0,63}")) {
            throw new IllegalArgumentException("a field name is lower case letters, digits and dashes: " + name);
        }
    }

    /** A field the user fills in. */
    public static Field entered(String name, String label, Kind kind, boolean required) {
        return new Field(name, label, kind, required, false);
    }

    /** A field the plug-in computes. */
    public static Field computed(String name, String label, Kind kind) {
        return new Field(name, label, kind, false, true);
    }
}
