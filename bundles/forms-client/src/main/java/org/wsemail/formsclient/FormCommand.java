package org.wsemail.formsclient;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.osgi.framework.Version;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.wsemail.api.Address;
import org.wsemail.api.Attachment;
import org.wsemail.api.MessageFlag;
import org.wsemail.api.plugin.PluginXml;
import org.wsemail.client.ClientCommand;
import org.wsemail.client.Invocation;
import org.wsemail.client.Main;
import org.wsemail.client.ReadMessage;
import org.wsemail.client.UsageException;
import org.wsemail.client.WsemailClient;
import org.wsemail.client.WsemailException;
import org.wsemail.forms.Form;
import org.wsemail.forms.Form.Decision;
import org.wsemail.forms.FormSignatures;
import org.wsemail.forms.FormVerifier;
import org.wsemail.forms.PluginCoordinates;
import org.wsemail.forms.spi.FormType;

/**
 * {@code wsemail form}: routed forms (the paper's sections 3.3 and 4.2). Sending, showing and
 * signing a form runs the form's client plug-in, fetched on demand into the client's plug-in
 * framework after the user approved it; every sign-off is signed with the user's certificate.
 */
public final class FormCommand implements ClientCommand {
    private static final String EXTENSION = "routed-forms";

    @Override
    public String name() {
        return "form";
    }

    @Override
    public String usage() {
        return String.join("\n",
                "  form send --type <type> --to <step>[,<step>...] [--field <name>=<value>]... [--autofill yes|no]",
                "                   a form of your domain's client plug-in for <type> (timesheet, requisition), signed by you;",
                "                   a step is an address, a role of your domain (purchasing) or program:<address>, the last",
                "  form show <id>   the form in message <id> as its plug-in shows it, its route and sign-offs",
                "  form approve <id> [--comment <text>]   form reject <id> --reason <text>   form delegate <id> <address>",
                "                   sign the step the form waits at, and send it on (approve), back (reject) or to a delegate",
                "  form away --delegate <address> --until <time>   form back",
                "                   your server forwards forms for you to the delegate, with your signed delegation, until then",
                "  form verify <id>|<file> [--ca <pem>[,<pem>...]]",
                "                   checks every sign-off offline: signatures, certificates (roots of --trust and --ca), entitlement",
                "  form plugins     form plugin-remove <name>",
                "                   the client plug-ins you installed; forms need --certificate to sign, --approve to install a",
                "                   plug-in without asking, --plugin-signers <domain>,... to trust plug-ins of more than your domain");
    }

    @Override
    public int run(Invocation invocation) throws UsageException, WsemailException {
        List<String> words = invocation.positional();
        if (words.isEmpty()) {
            throw new UsageException("form needs what to do: send, show, approve, reject, delegate, away, back, verify, plugins"
                    + " or plugin-remove");
        }
        List<String> rest = words.subList(1, words.size());
        try (Session session = new Session(invocation)) {
            return switch (words.get(0)) {
                case "send" -> session.send();
                case "show" -> session.show(messageId(rest));
                case "approve" -> session.sign(messageId(rest), Decision.APPROVED, invocation.options().getOrDefault("comment", ""), "");
                case "reject" -> session.sign(messageId(rest), Decision.REJECTED, required(invocation, "reason"), "");
                case "delegate" -> {
                    if (rest.size() != 2) {
                        throw new UsageException("form delegate needs the message id and the delegate's address");
                    }
                    yield session.sign(messageId(rest.subList(0, 1)), Decision.DELEGATED, "", address(rest.get(1)).toString());
                }
                case "away" -> session.away();
                case "back" -> session.back();
                case "verify" -> session.verify(one(rest, "form verify needs a message id or a file"));
                case "plugins" -> session.listPlugins();
                case "plugin-remove" -> session.remove(one(rest, "form plugin-remove needs the plug-in's name"));
                default -> throw new UsageException("unknown form command '" + words.get(0) + "'");
            };
        } catch (IOException e) {
            invocation.out().println("form: " + e.getMessage());
            return Main.REFUSED;
        }
    }

    private static String one(List<String> words, String usage) throws UsageException {
        if (words.size() != 1) {
            throw new UsageException(usage);
        }
        return words.get(0);
    }

    private static long messageId(List<String> words) throws UsageException {
        String word = one(words, "give the message id of the form (from wsemail inbox)");
        try {
            return Long.parseLong(word);
        } catch (NumberFormatException e) {
            throw new UsageException("not a message id: " + word);
        }
    }

    private static String required(Invocation invocation, String option) throws UsageException {
        String value = invocation.options().get(option);
        if (value == null || value.isBlank()) {
            throw new UsageException("give --" + option);
        }
        return value;
    }

    private static Address address(String text) throws UsageException {
        try {
            return Address.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** One run of the command: the connection, the plug-ins and the user's key, each made when first needed. */
    private static final class Session implements AutoCloseable {
        private final Invocation invocation;
        private final PrintStream out;
        private final Map<String, String> options;
        private WsemailClient client;
        private ClientPlugins plugins;

        Session(Invocation invocation) {
            this.invocation = invocation;
            this.out = invocation.out();
            this.options = invocation.options();
        }

        private WsemailClient client() throws WsemailException {
            if (client == null) {
                client = invocation.settings().connect();
            }
            return client;
        }

        private ClientPlugins plugins() throws IOException, WsemailException {
            if (plugins == null) {
                Path directory = Path.of(options.getOrDefault("plugin-dir", System.getProperty("user.home") + "/.wsemail/plugins"));
                Set<String> signers = new HashSet<>();
                signers.add(client().user().domain());
                for (String signer : options.getOrDefault("plugin-signers", "").split(",")) {
                    if (!signer.isBlank()) {
                        signers.add(signer.trim().toLowerCase(Locale.ROOT));
                    }
                }
                plugins = ClientPlugins.open(directory, signers, invocation.settings().trusted(), this::approve, out);
            }
            return plugins;
        }

        private boolean approve(String question) {
            out.println(question);
            if (options.containsKey("approve")) {
                out.println("Yes (--approve).");
                return true;
            }
            java.io.Console console = System.console();
            if (console == null) {
                out.println("No terminal to ask in: give --approve to install it.");
                return false;
            }
            String answer = console.readLine("Install it? [y/N] ");
            return answer != null && answer.trim().toLowerCase(Locale.ROOT).startsWith("y");
        }

        /** The user's key and certificate chain, from the PKCS#12 file they log in with. */
        private Signer signer() throws UsageException {
            Path file = invocation.settings().certificate();
            if (file == null) {
                throw new UsageException("signing a form needs your certificate: give --certificate (your domain issues it with"
                        + " wsemail:cert-issue-user)");
            }
            try (InputStream in = Files.newInputStream(file)) {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(in, invocation.settings().password());
                for (String alias : Collections.list(store.aliases())) {
                    if (store.isKeyEntry(alias)) {
                        List<X509Certificate> chain = new ArrayList<>();
                        for (Certificate certificate : store.getCertificateChain(alias)) {
                            chain.add((X509Certificate) certificate);
                        }
                        return new Signer((PrivateKey) store.getKey(alias, invocation.settings().password()), chain);
                    }
                }
            } catch (IOException | GeneralSecurityException e) {
                throw new UsageException("cannot read your certificate " + file + ": " + e.getMessage());
            }
            throw new UsageException(file + " holds no key");
        }

        int send() throws UsageException, WsemailException, IOException {
            String type = required(invocation, "type");
            List<Form.Step> route = new ArrayList<>();
            for (String step : required(invocation, "to").split(",")) {
                String trimmed = step.trim().toLowerCase(Locale.ROOT);
                if (trimmed.startsWith("program:")) {
                    route.add(Form.Step.program(address(trimmed.substring("program:".length())).toString()));
                } else if (trimmed.contains("@")) {
                    route.add(Form.Step.to(address(trimmed).toString()));
                } else if (trimmed.matches("[a-z][a-z0-9-]{0,63}")) {
                    route.add(Form.Step.role(trimmed));
                } else {
                    throw new UsageException("a step is an address, a role or program:<address>, not " + step);
                }
            }
            Map<String, String> entered = new LinkedHashMap<>();
            for (String field : options.getOrDefault("field", "").split("\n")) {
                if (field.isBlank()) {
                    continue;
                }
                int equals = field.indexOf('=');
                if (equals < 1) {
                    throw new UsageException("--field takes name=value, not " + field);
                }
                entered.put(field.substring(0, equals).trim(), field.substring(equals + 1));
            }
            Signer signer = signer();
            PluginCoordinates plugin = publishedFor(type);
            FormType form;
            try {
                form = plugins().formType(type, plugin);
            } catch (PluginDownload.Refused e) {
                out.println("Nothing was sent: " + e.getMessage());
                return Main.REFUSED;
            }
            Map<String, String> data = new LinkedHashMap<>(autofill(form, plugin));
            data.putAll(entered);
            data = form.complete(data);
            List<String> problems = form.validate(data);
            if (!problems.isEmpty()) {
                out.println("Nothing was sent; the " + form.title().toLowerCase(Locale.ROOT) + " is not complete:");
                problems.forEach(p -> out.println("  " + p));
                return Main.REFUSED;
            }
            Form document = Form.create(UUID.randomUUID().toString(), type, plugin, data, route);
            new FormSignatures().signoff(document, Decision.SUBMITTED, "", "", signer.key, signer.chain, Instant.now());
            Form.Step first = document.currentStep().orElseThrow();
            String id = deliver(document, form, recipient(first), form.title() + " " + document.id() + " from " + client().user());
            out.println("Sent " + form.title().toLowerCase(Locale.ROOT) + " " + document.id() + " to " + first.describe()
                    + " (message " + id + ")");
            return Main.OK;
        }

        /** The newest client plug-in the user's server publishes for the form type. */
        private PluginCoordinates publishedFor(String type) throws WsemailException, UsageException {
            Element answer = client().extension(EXTENSION, request("plugins"));
            PluginCoordinates newest = null;
            for (Node node = answer.getFirstChild(); node != null; node = node.getNextSibling()) {
                if (node instanceof Element plugin && List.of(plugin.getAttribute("types").split(",")).contains(type)) {
                    PluginCoordinates found = new PluginCoordinates(plugin.getAttribute("name"), plugin.getAttribute("version"),
                            URI.create(plugin.getAttribute("location")), plugin.getAttribute("sha256"), plugin.getAttribute("signer"));
                    if (newest == null || Version.parseVersion(found.version()).compareTo(Version.parseVersion(newest.version())) > 0) {
                        newest = found;
                    }
                }
            }
            if (newest == null) {
                throw new UsageException("your server publishes no client plug-in for the form type " + type);
            }
            return newest;
        }

        /** What the plug-in fills in from the user's directory record, if the user allows it. */
        private Map<String, String> autofill(FormType form, PluginCoordinates plugin) throws IOException, WsemailException {
            String given = options.get("autofill");
            if (given != null && !Set.of("yes", "no").contains(given)) {
                throw new IOException("--autofill is yes or no, not " + given);
            }
            if (!form.autofills()) {
                return Map.of();
            }
            Optional<String> consent = given != null ? Optional.of(given) : plugins().autofillConsent(plugin.symbolicName());
            if (given != null) {
                plugins().recordAutofillConsent(plugin.symbolicName(), "yes".equals(given));
            }
            if (consent.isEmpty()) {
                out.println("Autofill not used: the plug-in " + plugin.symbolicName() + " may fill in your directory record"
                        + " from " + client().user().domain() + " only if you allow it (--autofill yes; remembered)");
                return Map.of();
            }
            if (!"yes".equals(consent.get())) {
                return Map.of();
            }
            Map<String, String> filled = form.autofill(() -> {
                try {
                    Element record = client().extension(EXTENSION, request("directory"));
                    Map<String, String> fields = new LinkedHashMap<>();
                    for (int i = 0; i < record.getAttributes().getLength(); i++) {
                        Node attribute = record.getAttributes().item(i);
                        fields.put(attribute.getNodeName(), attribute.getNodeValue());
                    }
                    return fields;
                } catch (WsemailException e) {
                    throw new IOException(e.getMessage(), e);
                }
            });
            if (!filled.isEmpty()) {
                out.println("Autofilled from your directory record: " + String.join(", ", filled.keySet()));
            }
            return filled;
        }

        int show(long id) throws WsemailException, IOException, UsageException {
            Received received = receive(id);
            Optional<FormType> type = formType(received.form);
            out.println("Server signature: " + (received.message.verified() ? "verified" : "NOT VERIFIED")
                    + " (" + received.message.signatureReport() + ")");
            out.print(type.map(t -> t.renderText(received.form.data())).orElse("The form's data, without its plug-in:\n"
                    + plain(received.form.data())));
            out.print(received.form.routeAndSignoffs());
            return type.isPresent() ? Main.OK : Main.REFUSED;
        }

        int sign(long id, Decision decision, String comment, String delegate) throws WsemailException, IOException, UsageException {
            Signer signer = signer();
            Received received = receive(id);
            if (!received.message.verified()) {
                out.println("Not signed: the message's server signature does not verify (" + received.message.signatureReport() + ")");
                return Main.REFUSED;
            }
            Form form = received.form;
            Optional<FormType> type = formType(form);
            if (type.isEmpty()) {
                return Main.REFUSED;
            }
            Optional<Form.Step> step = form.currentStep();
            String me = client().user().toString();
            if (step.isEmpty()) {
                out.println("Not signed: the form waits for no one (" + form.summary() + ")");
                return Main.REFUSED;
            }
            if (!step.get().to().equals(me) && !delegatedTo(form, step.get(), me)) {
                out.println("Not signed: step " + step.get().number() + " is for " + step.get().describe() + ", not for you,"
                        + " and no delegation names you");
                return Main.REFUSED;
            }
            List<String> problems = type.get().validate(form.data());
            if (decision == Decision.APPROVED && !problems.isEmpty()) {
                out.println("Not approved: the form's plug-in finds it incomplete: " + String.join("; ", problems));
                return Main.REFUSED;
            }
            Optional<Instant> signedBefore = plugins().signedBefore(form.id(), step.get().number());
            if (signedBefore.isPresent()) {
                out.println("Not signed: you signed step " + step.get().number() + " of this form at " + signedBefore.get()
                        + " already; this copy is an older one");
                return Main.REFUSED;
            }
            new FormSignatures().signoff(form, decision, comment, delegate, signer.key, signer.chain, Instant.now());
            String title = type.get().title();
            Address to;
            String what;
            if (decision == Decision.APPROVED) {
                form.advance();
                Optional<Form.Step> next = form.currentStep();
                to = next.map(this::recipient).orElse(submitter(form));
                what = "Approved step " + step.get().number() + "; sent to " + next.map(Form.Step::describe).orElse("the submitter, route done");
            } else if (decision == Decision.REJECTED) {
                to = submitter(form);
                what = "Rejected; sent back to " + to;
            } else {
                to = Address.parse(delegate);
                what = "Delegated step " + step.get().number() + " to " + delegate;
            }
            String message = deliver(form, type.get(), to, title + " " + form.id() + " from " + submitter(form) + " (" + decision.name().toLowerCase(Locale.ROOT)
                    + " by " + me + ")");
            plugins().recordSigned(form.id(), step.get().number());
            out.println(what + " (message " + message + ")");
            return Main.OK;
        }

        int away() throws UsageException, WsemailException {
            Address delegate = address(required(invocation, "delegate"));
            Instant until;
            try {
                until = Instant.parse(required(invocation, "until"));
            } catch (DateTimeParseException e) {
                throw new UsageException("--until takes a time like 2026-12-24T00:00:00Z");
            }
            Signer signer = signer();
            byte[] delegation = new FormSignatures().delegation(delegate.toString(), until, signer.key, signer.chain);
            Element request = request("away");
            request.setAttribute("delegation", Base64.getEncoder().encodeToString(delegation));
            Element answer = client().extension(EXTENSION, request);
            out.println("Away: forms for you go to " + answer.getAttribute("delegate") + " until " + answer.getAttribute("until")
                    + ", with your signed delegation");
            return Main.OK;
        }

        int back() throws WsemailException {
            Element answer = client().extension(EXTENSION, request("back"));
            out.println("true".equals(answer.getAttribute("was-away")) ? "Back: forms come to you again" : "You were not away");
            return Main.OK;
        }

        int verify(String what) throws WsemailException, IOException, UsageException {
            Form form;
            Path file = Path.of(what);
            if (Files.isRegularFile(file)) {
                form = parse(Files.readAllBytes(file));
            } else if (what.matches("\\d+")) {
                form = receive(Long.parseLong(what)).form;
            } else {
                throw new UsageException("no such file, and not a message id: " + what);
            }
            Set<TrustAnchor> roots = new HashSet<>(invocation.settings().trusted());
            for (String pem : options.getOrDefault("ca", "").split(",")) {
                if (!pem.isBlank()) {
                    roots.addAll(pemRoots(Path.of(pem.trim())));
                }
            }
            FormVerifier.Verification verification = new FormVerifier().verify(form, roots, Instant.now());
            out.println(verification.report());
            return verification.verified() ? Main.OK : Main.REFUSED;
        }

        int listPlugins() throws IOException, WsemailException {
            List<ClientPlugins.Registered> all = plugins().list();
            if (all.isEmpty()) {
                out.println("No client plug-ins installed.");
            }
            for (ClientPlugins.Registered plugin : all) {
                out.println(plugin.name() + " " + plugin.version() + ", signed by " + plugin.signer() + ", installed "
                        + plugin.installed() + ", autofill " + plugin.autofill() + ", SHA-256 " + plugin.sha256());
            }
            return Main.OK;
        }

        int remove(String name) throws IOException, WsemailException {
            if (!plugins().remove(name)) {
                out.println("No client plug-in " + name + " is installed.");
                return Main.REFUSED;
            }
            out.println("Removed the plug-in " + name);
            return Main.OK;
        }

        /** The form type of a received form, its plug-in fetched if need be; empty (and said why) if refused. */
        private Optional<FormType> formType(Form form) throws IOException, WsemailException {
            try {
                return Optional.of(plugins().formType(form.type(), form.plugin()));
            } catch (PluginDownload.Refused e) {
                out.println(e.getMessage());
                return Optional.empty();
            }
        }

        private record Received(ReadMessage message, Form form) {
        }

        private Received receive(long id) throws WsemailException, IOException {
            ReadMessage message = client().read(id);
            return new Received(message, ClientPlugins.formOf(message.message())
                    .orElseThrow(() -> new IOException("message " + id + " carries no form")));
        }

        private static Form parse(byte[] xml) throws IOException {
            return ClientPlugins.parse(xml);
        }

        private String deliver(Form form, FormType type, Address to, String subject) throws WsemailException {
            String body = type.renderText(form.data()) + "\n" + form.summary() + "\n\nThis message carries a form: wsemail form show,"
                    + " approve, reject or delegate it, or check it with wsemail form verify.";
            return client().send(List.of(to), subject, body, List.of(new Attachment(Form.FILE_NAME, Form.CONTENT_TYPE, form.toBytes())),
                    EnumSet.of(MessageFlag.FORM, MessageFlag.DYNAMIC_FORM));
        }

        /** Where a step's form is sent: its addressee, or for a role the role's name in the sender's domain, which their server maps. */
        private Address recipient(Form.Step step) {
            try {
                return step.to().isEmpty() ? Address.parse(step.role() + "@" + client().user().domain()) : Address.parse(step.to());
            } catch (WsemailException e) {
                throw new IllegalStateException(e);
            }
        }

        private static Address submitter(Form form) {
            return Address.parse(form.signoffs().get(0).by());
        }

        private static boolean delegatedTo(Form form, Form.Step step, String me) {
            boolean inSignoffs = form.signoffs().stream().anyMatch(s -> s.step() == step.number() && s.decision() == Decision.DELEGATED
                    && s.delegate().equals(me));
            boolean standing = form.delegations().stream().anyMatch(d -> d.to().equals(me) && d.from().equals(step.to()));
            return inSignoffs || standing;
        }

        private static String plain(Map<String, String> data) {
            StringBuilder text = new StringBuilder();
            data.forEach((k, v) -> text.append("  ").append(k).append(": ").append(v).append('\n'));
            return text.toString();
        }

        private static Element request(String name) {
            return PluginXml.answer(name);
        }

        private static Set<TrustAnchor> pemRoots(Path pem) throws IOException {
            Set<TrustAnchor> roots = new HashSet<>();
            try (InputStream in = Files.newInputStream(pem)) {
                for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    roots.add(new TrustAnchor((X509Certificate) certificate, null));
                }
            } catch (GeneralSecurityException e) {
                throw new IOException("cannot read the certificates in " + pem + ": " + e.getMessage(), e);
            }
            return roots;
        }

        @Override
        public void close() {
            if (plugins != null) {
                plugins.close();
            }
        }
    }

    private record Signer(PrivateKey key, List<X509Certificate> chain) {
    }
}
