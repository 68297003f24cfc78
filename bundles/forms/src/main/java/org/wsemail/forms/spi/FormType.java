package org.wsemail.forms.spi;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * One kind of form (a timesheet, a purchase requisition), offered by a client plug-in as an OSGi
 * service. The client looks it up by {@link #name()} when a message carries a form of that type.
 *
 * <p>Lifecycle: constructed and activated once by its bundle in the client's plug-in framework,
 * called from the client's thread (the command line's, or the desktop client's event thread), then
 * deactivated once when the plug-in is upgraded or removed. Data maps passed in are never changed;
 * maps returned are the caller's.
 */
@ConsumerType
public interface FormType {

    /** The form type's name in form documents, e.g. {@code timesheet}. */
    String name();

    /** What a person calls it, e.g. "Timesheet". */
    String title();

    /** Its fields, in the order they are shown. */
    List<Field> fields();

    /**
     * The form's full data from what the user entered: the entered fields as given, the computed ones
     * (totals) filled in. Fields it does not know are dropped.
     */
    Map<String, String> complete(Map<String, String> entered);

    /** What is wrong with the data, in words a user acts on; empty when it may be sent. */
    List<String> validate(Map<String, String> data);

    /** The form as the command line shows it: by default its title, then a line per field, label and value. */
    default String renderText(Map<String, String> data) {
        StringBuilder text = new StringBuilder(title()).append('\n');
        for (Field field : fields()) {
            text.append(String.format("  %-22s %s%n", field.label() + ":", data.getOrDefault(field.name(), "")));
        }
        return text.toString();
    }

    /** Of what the user gave, the fields they may enter, in field order, without surrounding blanks. */
    default Map<String, String> entered(Map<String, String> given) {
        Map<String, String> data = new java.util.LinkedHashMap<>();
        for (Field field : fields()) {
            if (!field.computed() && given.containsKey(field.name())) {
                data.put(field.name(), given.get(field.name()).strip());
            }
        }
        return data;
    }

    /** A problem for each required field that is missing or blank. */
    default List<String> missing(Map<String, String> data) {
        List<String> problems = new java.util.ArrayList<>();
        for (Field field : fields()) {
            if (field.required() && data.getOrDefault(field.name(), "").isBlank()) {
                problems.add(field.label() + " is missing (--field " + field.name() + "=...)");
            }
        }
        return problems;
    }

    /**
     * The form as the desktop client shows it (Swing, read-only). By default a two-column table of
     * labels and values.
     */
    default javax.swing.JComponent renderDesktop(Map<String, String> data) {
        String[][] rows = fields().stream().map(f -> new String[] {f.label(), data.getOrDefault(f.name(), "")})
                .toArray(String[][]::new);
        javax.swing.JTable table = new javax.swing.JTable(rows, new String[] {"Field", "Value"});
        table.setEnabled(false);
        return new javax.swing.JScrollPane(table);
    }

    /** Whether {@link #autofill} fills anything: the client asks the user's consent only for a form type that does. */
    default boolean autofills() {
        return false;
    }

    /**
     * Fields it fills from the user's directory record (the paper's "Autofill"). Called only when the
     * user allowed this plug-in to use their identity, and only if {@link #autofills()}; by default it
     * fills nothing and never calls.
     *
     * @return field values to take over, which the user's own entries override
     * @throws IOException if the directory could not be read
     */
    default Map<String, String> autofill(Directory directory) throws IOException {
        return Map.of();
    }
}
