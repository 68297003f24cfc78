package org.wsemail.pluginsmanager.internal;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads Configuration Admin values leniently: a Karaf {@code .cfg} file hands back as text what was
 * stored typed, and a list may arrive as an array, a collection or one comma-separated string.
 */
final class ConfigValues {

    private ConfigValues() {
    }

    /** An Integer or the text of one; null for anything else. */
    static Integer toInteger(Object value) {
        if (value instanceof Number n) {
            return n.intValue();
        }
        if (value instanceof String s) {
            try {
                return Integer.valueOf(s.trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /** A String, a String array or a collection, each element split at commas; blanks dropped, order kept. */
    static Set<String> toList(Object value) {
        Object[] items;
        if (value instanceof Object[] array) {
            items = array;
        } else if (value instanceof Collection<?> c) {
            items = c.toArray();
        } else if (value == null) {
            items = new Object[0];
        } else {
            items = new Object[] {value};
        }
        return Arrays.stream(items)
                .flatMap(item -> Arrays.stream(String.valueOf(item).split(",")))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }
}
