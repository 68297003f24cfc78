package org.wsemail.plugins.routedforms;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.wsemail.api.Address;
import org.wsemail.api.plugin.MailContext;
import org.wsemail.api.plugin.PluginStore;

/**
 * What this domain knows about its people for routed forms, kept in the plug-in's store: who holds
 * which role, each user's directory record (for autofill), who is away and to whom their forms go
 * (with the signed delegation that entitles the delegate), and what the receiving program filed.
 * Thread-safe: every change is one store transaction.
 */
@Component(service = Organization.class)
public class Organization {
    /** The fields a directory record may hold. */
    public static final Set<String> DIRECTORY_FIELDS = Set.of("name", "title", "department", "employee-id");
    private static final String ROLE = "role.";
    private static final String DIRECTORY = "directory.";
    private static final String AWAY_TO = "away.to";
    private static final String AWAY_UNTIL = "away.until";
    private static final String AWAY_DELEGATION = "away.delegation";
    private static final String RECORD = "record.";

    /** A user who is away: their forms go to {@code delegate} until then, on their signed delegation. */
    public record Away(Address delegate, Instant until, byte[] signedDelegation) {
    }

    /** A form the receiving program filed (or refused), as the shell lists it. */
    public record Filed(String formId, Instant at, String line) {
    }

    private final MailContext context;

    @Activate
    public Organization(@Reference MailContext context) {
        this.context = context;
    }

    private PluginStore store() {
        return context.store();
    }

    /** Gives a user of this domain a role; false if they held it already. */
    public boolean addRole(String role, Address user) {
        String key = ROLE + checkedRole(role) + "." + user;
        if (!context.isLocalUser(user)) {
            throw new IllegalArgumentException(user + " is not a user of " + context.domain());
        }
        if (store().get(key).isPresent()) {
            return false;
        }
        store().put(key, Instant.now().toString());
        return true;
    }

    public boolean removeRole(String role, Address user) {
        return store().remove(ROLE + checkedRole(role) + "." + user);
    }

    /** The holders of a role, in the order they were given it. */
    public List<Address> holders(String role) {
        String prefix = ROLE + checkedRole(role) + ".";
        List<Map.Entry<String, String>> entries = new ArrayList<>(store().entriesStartingWith(prefix).entrySet());
        entries.sort(Map.Entry.comparingByValue());
        return entries.stream().map(e -> Address.parse(e.getKey().substring(prefix.length()))).toList();
    }

    /** Every role and its holders. */
    public Map<String, List<Address>> roles() {
        Map<String, List<Address>> roles = new TreeMap<>();
        for (String key : store().entriesStartingWith(ROLE).keySet()) {
            String rest = key.substring(ROLE.length());
            String role = rest.substring(0, rest.indexOf('.'));
            roles.computeIfAbsent(role, r -> holders(r));
        }
        return roles;
    }

    /** Sets fields of a user's directory record (an empty value removes the field). */
    public void setDirectory(Address user, Map<String, String> fields) {
        if (!context.isLocalUser(user)) {
            throw new IllegalArgumentException(user + " is not a user of " + context.domain());
        }
        for (Map.Entry<String, String> field : fields.entrySet()) {
            if (!DIRECTORY_FIELDS.contains(field.getKey())) {
                throw new IllegalArgumentException("a directory record holds " + DIRECTORY_FIELDS + ", not " + field.getKey());
            }
            if (field.getValue().isBlank()) {
                store().remove(user, DIRECTORY + field.getKey());
            } else {
                store().put(user, DIRECTORY + field.getKey(), field.getValue().strip());
            }
        }
    }

    /** A user's directory record; empty when they have none. */
    public Map<String, String> directory(Address user) {
        Map<String, String> record = new LinkedHashMap<>();
        store().entries(user).forEach((key, value) -> {
            if (key.startsWith(DIRECTORY)) {
                record.put(key.substring(DIRECTORY.length()), value);
            }
        });
        return record;
    }

    public void setAway(Address user, Away away) {
        store().put(user, AWAY_TO, away.delegate().toString());
        store().put(user, AWAY_UNTIL, away.until().toString());
        store().put(user, AWAY_DELEGATION, Base64.getEncoder().encodeToString(away.signedDelegation()));
    }

    public boolean clearAway(Address user) {
        boolean was = store().remove(user, AWAY_TO);
        store().remove(user, AWAY_UNTIL);
        store().remove(user, AWAY_DELEGATION);
        return was;
    }

    /** The user's delegate while they are away and their delegation runs; empty otherwise. */
    public Optional<Away> away(Address user, Instant now) {
        Map<String, String> entries = store().entries(user);
        if (!entries.containsKey(AWAY_TO) || !entries.containsKey(AWAY_DELEGATION)) {
            return Optional.empty();
        }
        Instant until = Instant.parse(entries.get(AWAY_UNTIL));
        if (!until.isAfter(now)) {
            return Optional.empty();
        }
        return Optional.of(new Away(Address.parse(entries.get(AWAY_TO)), until, Base64.getDecoder().decode(entries.get(AWAY_DELEGATION))));
    }

    /** Records what the receiving program did with a form. */
    public void file(String formId, String line) {
        store().put(RECORD + formId, Instant.now() + " " + line);
    }

    /** What the receiving program filed or refused, oldest first. */
    public List<Filed> filed() {
        List<Filed> filed = new ArrayList<>();
        store().entriesStartingWith(RECORD).forEach((key, value) -> {
            int space = value.indexOf(' ');
            filed.add(new Filed(key.substring(RECORD.length()), Instant.parse(value.substring(0, space)), value.substring(space + 1)));
        });
        filed.sort(java.util.Comparator.comparing(Filed::at));
        return filed;
    }

    private static String checkedRole(String role) {
        String lower = role.toLowerCase(Locale.ROOT);
        if (!lower.matches("[a-z][a-z0-9-]{0,63}")) {
            throw new IllegalArgumentException("a role is lower case letters, digits and dashes, like purchasing: " + role);
        }
        return lower;
    }
}
