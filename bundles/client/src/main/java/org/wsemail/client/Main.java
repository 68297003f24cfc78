package org.wsemail.client;

import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;

import org.wsemail.api.Address;
import org.wsemail.api.Attachment;
import org.wsemail.api.MessageFlag;
import org.wsemail.api.MailMessage;
import org.wsemail.api.plugin.PluginXml;
import org.wsemail.wire.MessageCodec;
import org.w3c.dom.Element;
import org.wsemail.wire.soap.Header;

/**
 * The {@code wsemail} command: send, inbox, read and delete against the user's own server. Settings
 * come from flags, then the environment ({@code WSEMAIL_PASSWORD}), then a config file
 * ({@code ~/.wsemail/client.properties}, or {@code --config}). Exit status: 0 done, 1 the server
 * refused, 2 the command line is wrong, 3 the server could not be reached.
 */
public final class Main {
    public static final int OK = 0;
    public static final int REFUSED = 1;
    public static final int USAGE = 2;
    public static final int UNREACHABLE = 3;

    private static final String USAGE_TEXT = String.join("\n",
            "usage: wsemail [options] <command> [arguments]",
            "",
            "commands:",
            "  send --to <address>[,<address>...] --subject <text> (--body <text> | --body-file <file>) [--encrypt]",
            "       [--attach <file>]...",
            "                   --encrypt: your server encrypts it to the receiving server's certificate",
            "                   --attach: kept on your server for the recipients to fetch (inline if it keeps none)",
            "  inbox [--since <time, e.g. 2026-11-28T00:00:00Z>]",
            "  read <id>        shows the message, whether the sending server's signature verified, and its attachments",
            "  fetch <id> <name> --out <file> [--version <n>]",
            "                   saves an attachment (the newest version unless --version), checked against its signed SHA-256",
            "  attachment-update <message-id> <name> <file>",
            "                   publishes <file> as the next version of an attachment you sent",
            "  attachment-withdraw <message-id> <name>",
            "                   withdraws an attachment you sent: no one fetches it any more",
            "  address-book [<search text>]",
            "                   your domain's directory (the address-book plug-in), all or those matching",
            "  token <domain> [--out <file>]",
            "                   a federated identity token from your server for <domain> (needs --certificate)",
            "  visit <url> send --to ... (as send)",
            "                   sends as a visitor straight to another domain's server at <url>, on a token from yours",
            "  extension <id> <xml>",
            "                   calls a server extension (a plug-in) with an XML request and prints its signed answer",
            "  delete <id>...",
            "  agent-stop       stops the warm background client that runs inbox, read, send and delete after their",
            "                   first use (WSEMAIL_AGENT=off runs every command in its own process instead)",
            "",
            "options (or keys of the config file, without the dashes):",
            "  --server <url>          the server's base URL, e.g. https://localhost:8443/wsemail",
            "  --user <address>        your address, which is your user name",
            "  --password-file <file>  a file holding your password (or set WSEMAIL_PASSWORD, or type it when asked;",
            "                          a password is never taken on the command line, where the shell history keeps it)",
            "  --certificate <file>    log in with the PKCS#12 certificate your domain issued you (wsemail:cert-issue-user)",
            "                          instead of a password; the password options then unlock that file",
            "  --trust <file>|system   PEM file of the root certificates that the server's TLS certificate and",
            "                          server signatures must lead to (required; \"system\": the JVM's public roots)",
            "  --config <file>         the config file (default ~/.wsemail/client.properties)");

    private static final Set<String> BUILT_IN = Set.of("send", "inbox", "read", "delete", "fetch", "attachment-update",
            "attachment-withdraw", "address-book", "token", "visit", "extension");

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> environment;
    private final Console console;
    /** Commands other modules contribute, by name. */
    private final Map<String, ClientCommand> contributed = new TreeMap<>();

    Main(PrintStream out, PrintStream err, Map<String, String> environment, Console console) {
        this.out = out;
        this.err = err;
        this.environment = environment;
        this.console = console;
        for (ClientCommand command : ServiceLoader.load(ClientCommand.class, Main.class.getClassLoader())) {
            contributed.put(command.name(), command);
        }
    }

    /** The usage text, with the lines of the contributed commands after the built-in ones. */
    String usage() {
        StringBuilder text = new StringBuilder();
        String[] parts = USAGE_TEXT.split("\n\n", 3);
        text.append(parts[0]).append("\n\n").append(parts[1]);
        contributed.values().stream().map(ClientCommand::usage).filter(u -> !u.isEmpty())
                .forEach(u -> text.append("\n").append(u));
        return text.append("\n\n").append(parts[2]).toString();
    }

    public static void main(String[] args) {
        // CXF reports through java.util.logging; a command line tool prints only its own output.
        java.util.logging.LogManager.getLogManager().reset();
        System.exit(new Main(System.out, System.err, System.getenv(), System.console()).run(args));
    }

    int run(String[] args) {
        try {
            Deque<String> words = new ArrayDeque<>(List.of(args));
            Map<String, String> options = new HashMap<>();
            String command = null;
            List<String> positional = new ArrayList<>();
            List<Path> attach = new ArrayList<>();
            while (!words.isEmpty()) {
                String word = words.removeFirst();
                if (word.equals("--help") || word.equals("-h")) {
                    out.println(usage());
                    return OK;
                }
                if (word.equals("--encrypt") || word.equals("--approve")) {
                    options.put(word.substring(2), "true");
                } else if (word.equals("--field")) {
                    if (words.isEmpty()) {
                        throw new UsageException("--field needs name=value");
                    }
                    options.merge("field", words.removeFirst(), (all, one) -> all + "\n" + one);
                } else if (word.equals("--attach")) {
                    if (words.isEmpty()) {
                        throw new UsageException("--attach needs a file");
                    }
                    attach.add(Path.of(words.removeFirst()));
                } else if (word.startsWith("--")) {
                    if (words.isEmpty()) {
                        throw new UsageException(word + " needs a value");
                    }
                    options.put(word.substring(2), words.removeFirst());
                } else if (command == null) {
                    command = word;
                } else {
                    positional.add(word);
                }
            }
            if (command == null) {
                throw new UsageException("no command given");
            }
            ClientCommand extra = contributed.get(command);
            if (extra == null && !BUILT_IN.contains(command)) {
                throw new UsageException("unknown command '" + command + "'");
            }
            ClientSettings settings = settings(options);
            if (extra != null) {
                return extra.run(new Invocation(settings, options, positional, out, console != null));
            }
            return switch (command) {
                case "send" -> send(settings, options, attach);
                case "inbox" -> inbox(settings, options);
                case "read" -> read(settings, positional);
                case "fetch" -> fetch(settings, options, positional);
                case "attachment-update" -> attachmentUpdate(settings, positional);
                case "attachment-withdraw" -> attachmentWithdraw(settings, positional);
                case "address-book" -> addressBook(settings, positional);
                case "token" -> token(settings, options, positional);
                case "visit" -> visit(settings, options, positional, attach);
                case "extension" -> extension(settings, positional);
                default -> delete(settings, positional);
            };
        } catch (UsageException e) {
            err.println("wsemail: " + e.getMessage());
            err.println(usage());
            return USAGE;
        } catch (WsemailException e) {
            err.println("wsemail: " + e.getMessage() + " (" + e.code() + ")");
            return WsemailException.CONNECTION_FAILED.equals(e.code()) ? UNREACHABLE : REFUSED;
        } catch (RuntimeException e) {
            err.println("wsemail: failed: " + e);
            if (environment.containsKey("WSEMAIL_DEBUG")) {
                e.printStackTrace(err);
            }
            return REFUSED;
        }
    }

    private ClientSettings settings(Map<String, String> options) throws UsageException {
        Properties file = new Properties();
        Path config = Path.of(options.getOrDefault("config",
                System.getProperty("user.home") + "/.wsemail/client.properties"));
        if (Files.isRegularFile(config)) {
            try (InputStream in = Files.newInputStream(config)) {
                file.load(in);
            } catch (IOException e) {
                throw new UsageException("cannot read " + config + ": " + e.getMessage());
            }
        } else if (options.containsKey("config")) {
            throw new UsageException("no config file " + config);
        }
        String server = setting("server", options, file);
        String user = setting("user", options, file);
        String certificate = setting("certificate", options, file);
        if (server == null || (user == null && certificate == null)) {
            throw new UsageException("give --server and --user (or --certificate), or put server= and user= in " + config);
        }
        URI uri;
        try {
            uri = new URI(server);
        } catch (URISyntaxException e) {
            throw new UsageException("not a URL: " + server);
        }
        if (!"https".equalsIgnoreCase(uri.getScheme())) {
            throw new UsageException("the server URL must start with https://: " + server
                    + " would carry your password and your mail in clear");
        }
        Address address = null;
        try {
            address = user == null ? null : Address.parse(user);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (certificate != null && !Files.isRegularFile(Path.of(certificate))) {
            throw new UsageException("no certificate file " + certificate);
        }
        String secretOf = certificate != null ? certificate : String.valueOf(address);
        return new ClientSettings(uri, address, password(options, file, secretOf), trusted(setting("trust", options, file)),
                certificate == null ? null : Path.of(certificate));
    }

    private static String setting(String key, Map<String, String> options, Properties file) {
        String value = options.get(key);
        return value != null ? value : file.getProperty(key);
    }

    /** The password of the user, or of the certificate file when logging in with a certificate. */
    private char[] password(Map<String, String> options, Properties file, String whose) throws UsageException {
        if (options.containsKey("password")) {
            throw new UsageException("--password is not accepted: the shell history would keep the password;"
                    + " give --password-file, set WSEMAIL_PASSWORD, or type it when asked");
        }
        String given = file.getProperty("password");
        if (given != null) {
            return given.toCharArray();
        }
        String passwordFile = setting("password-file", options, file);
        if (passwordFile != null) {
            try {
                return Files.readString(Path.of(passwordFile), StandardCharsets.UTF_8).strip().toCharArray();
            } catch (IOException e) {
                throw new UsageException("cannot read the password file " + passwordFile + ": " + e.getMessage());
            }
        }
        String fromEnvironment = environment.get("WSEMAIL_PASSWORD");
        if (fromEnvironment != null) {
            return fromEnvironment.toCharArray();
        }
        if (console != null) {
            char[] typed = console.readPassword("Password for %s: ", whose);
            if (typed != null) {
                return typed;
            }
        }
        throw new UsageException("no password: give --password-file, set WSEMAIL_PASSWORD, or run in a terminal");
    }

    private static Set<TrustAnchor> trusted(String pemFile) throws UsageException {
        if (pemFile == null) {
            throw new UsageException("give --trust: the PEM file of your server's root certificate (its etc/wsemail-ca.pem),"
                    + " or \"system\" to trust the public roots this Java installation knows");
        }
        if ("system".equals(pemFile)) {
            return WsemailClient.systemRoots();
        }
        if (!Files.isRegularFile(Path.of(pemFile))) {
            throw new UsageException("no file " + pemFile + " of trusted root certificates");
        }
        try (InputStream in = Files.newInputStream(Path.of(pemFile))) {
            Set<TrustAnchor> anchors = new HashSet<>();
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                anchors.add(new TrustAnchor((X509Certificate) certificate, null));
            }
            if (anchors.isEmpty()) {
                throw new UsageException("no certificates in " + pemFile);
            }
            return anchors;
        } catch (IOException | GeneralSecurityException e) {
            throw new UsageException("cannot read the trusted roots in " + pemFile + ": " + e.getMessage());
        }
    }

    private int send(ClientSettings settings, Map<String, String> options, List<Path> attach)
            throws UsageException, WsemailException {
        return send(settings.connect(), options, attach);
    }

    private int send(WsemailClient client, Map<String, String> options, List<Path> attach) throws UsageException, WsemailException {
        String to = options.get("to");
        String subject = options.get("subject");
        if (to == null || subject == null) {
            throw new UsageException("send needs --to and --subject");
        }
        String body = options.get("body");
        String bodyFile = options.get("body-file");
        if ((body == null) == (bodyFile == null)) {
            throw new UsageException("send needs one of --body and --body-file");
        }
        if (bodyFile != null) {
            try {
                body = Files.readString(Path.of(bodyFile), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UsageException("cannot read " + bodyFile + ": " + e.getMessage());
            }
        }
        List<Address> recipients;
        try {
            recipients = Address.parseList(to);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        for (Path file : attach) {
            if (!Files.isRegularFile(file)) {
                throw new UsageException("no file " + file + " to attach");
            }
        }
        Set<MessageFlag> flags = options.containsKey("encrypt") ? Set.of(MessageFlag.ENCRYPTED_DELIVERY) : Set.of();
        List<Attachment> attachments = new ArrayList<>();
        AttachmentTransfer transfer = client.attachments();
        for (Path file : attach) {
            attachments.add(attachment(transfer, file));
        }
        String id = client.send(recipients, subject, body, attachments, flags);
        out.println("Sent " + id + " to " + String.join(", ", recipients.stream().map(Address::toString).toList()));
        return OK;
    }

    /** The file uploaded to be kept on the server, or, where the server keeps no attachments, inline (said so). */
    private Attachment attachment(AttachmentTransfer transfer, Path file) throws UsageException, WsemailException {
        try {
            return transfer.upload(file, null);
        } catch (WsemailException e) {
            if (!AttachmentTransfer.NOT_OFFERED.equals(e.code())) {
                throw e;
            }
        }
        try {
            String type = Files.probeContentType(file);
            out.println("Your server keeps no attachments on demand: " + file.getFileName() + " travels in the message itself");
            return new Attachment(file.getFileName().toString(), type == null ? "application/octet-stream" : type, Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UsageException("cannot read " + file + ": " + e.getMessage());
        }
    }

    private int inbox(ClientSettings settings, Map<String, String> options) throws UsageException, WsemailException {
        Instant since = Instant.EPOCH;
        if (options.containsKey("since")) {
            try {
                since = Instant.parse(options.get("since"));
            } catch (DateTimeParseException e) {
                throw new UsageException("--since needs a time like 2026-11-28T00:00:00Z");
            }
        }
        List<Header> headers = settings.connect().inbox(since);
        if (headers.isEmpty()) {
            out.println("No messages.");
            return OK;
        }
        out.printf("%6s  %-16s  %-28s  %s%n", "ID", "DATE", "FROM", "SUBJECT");
        for (Header header : headers) {
            out.printf("%6d  %-16s  %-28s  %s%s%n", header.getId(),
                    DATE.format(header.getTimestamp().toGregorianCalendar().toInstant()), header.getSender(),
                    header.getSubject(), header.getFlag().isEmpty() ? "" : "  " + header.getFlag());
        }
        return OK;
    }

    private int read(ClientSettings settings, List<String> positional) throws UsageException, WsemailException {
        if (positional.size() != 1) {
            throw new UsageException("read needs exactly one message id");
        }
        WsemailClient client = settings.connect();
        ReadMessage read = client.read(id(positional.get(0)));
        MailMessage message = read.message();
        out.println("From:      " + message.sender());
        out.println("To:        " + String.join(", ", message.recipients().stream().map(Address::toString).toList()));
        out.println("Date:      " + DATE.format(message.timestamp()));
        out.println("Subject:   " + message.subject());
        String signature = (read.verified() ? "verified, " : "NOT VERIFIED: ") + read.signatureReport();
        out.println("Signature: " + signature);
        if (!message.attachments().isEmpty()) {
            out.println("Attachments:");
            AttachmentTransfer transfer = client.attachments();
            for (Attachment attachment : message.attachments()) {
                out.println("  " + describe(transfer, read, attachment));
            }
        }
        out.println();
        out.println(message.body());
        return OK;
    }

    /** An attachment's line in {@code read}: name, size, SHA-256, version, and where it is. */
    private static String describe(AttachmentTransfer transfer, ReadMessage read, Attachment attachment) {
        Optional<Attachment.OnDemand> onDemand = attachment.onDemand();
        if (onDemand.isEmpty()) {
            return attachment.name() + "  " + attachment.size() + " bytes  " + attachment.contentType() + "  inline";
        }
        Attachment.OnDemand described = onDemand.get();
        String line = attachment.name() + "  " + described.size() + " bytes  " + attachment.contentType() + "  SHA-256 "
                + described.sha256() + "  version " + described.version() + "  on demand from " + described.location();
        try {
            AttachmentTransfer.Versions versions = transfer.versions(read, attachment.name());
            if (versions.withdrawn()) {
                return line + "  (withdrawn by the sender)";
            }
            int newest = versions.newest().map(AttachmentTransfer.Version::number).orElse(described.version());
            return newest > described.version() ? line + "  (newer: version " + newest + ")" : line;
        } catch (WsemailException e) {
            return line + "  (cannot check for newer versions: " + e.getMessage() + ")";
        }
    }

    private int fetch(ClientSettings settings, Map<String, String> options, List<String> positional)
            throws UsageException, WsemailException {
        if (positional.size() != 2 || !options.containsKey("out")) {
            throw new UsageException("fetch needs a message id, an attachment name and --out <file>");
        }
        Integer version = null;
        if (options.containsKey("version")) {
            try {
                version = Integer.valueOf(options.get("version"));
            } catch (NumberFormatException e) {
                throw new UsageException("--version needs a number");
            }
        }
        WsemailClient client = settings.connect();
        ReadMessage read = client.read(id(positional.get(0)));
        AttachmentTransfer.Fetched fetched = client.attachments().fetch(read, positional.get(1), version, Path.of(options.get("out")));
        AttachmentTransfer.Version got = fetched.version();
        out.println("Saved " + got.name() + " version " + got.number() + " of " + fetched.newest() + " (" + got.size()
                + " bytes, SHA-256 " + got.sha256() + " as signed) to " + fetched.file());
        return OK;
    }

    private int attachmentUpdate(ClientSettings settings, List<String> positional) throws UsageException, WsemailException {
        if (positional.size() != 3) {
            throw new UsageException("attachment-update needs the message id (as send printed it), the attachment name and a file");
        }
        Path file = Path.of(positional.get(2));
        if (!Files.isRegularFile(file)) {
            throw new UsageException("no file " + file);
        }
        AttachmentTransfer.Version published = settings.connect().attachments().publish(positional.get(0), positional.get(1), file, null);
        out.println("Published version " + published.number() + " of " + published.name() + " (" + published.size()
                + " bytes, SHA-256 " + published.sha256() + ")");
        return OK;
    }

    private int attachmentWithdraw(ClientSettings settings, List<String> positional) throws UsageException, WsemailException {
        if (positional.size() != 2) {
            throw new UsageException("attachment-withdraw needs the message id (as send printed it) and the attachment name");
        }
        settings.connect().attachments().withdraw(positional.get(0), positional.get(1));
        out.println("Withdrew " + positional.get(1) + " of message " + positional.get(0));
        return OK;
    }

    private int delete(ClientSettings settings, List<String> positional) throws UsageException, WsemailException {
        if (positional.isEmpty()) {
            throw new UsageException("delete needs at least one message id");
        }
        List<Long> ids = new ArrayList<>();
        for (String word : positional) {
            ids.add(id(word));
        }
        int deleted = settings.connect().delete(ids);
        out.println("Deleted " + deleted + " of " + ids.size() + " message" + (ids.size() == 1 ? "" : "s"));
        return OK;
    }

    private int addressBook(ClientSettings settings, List<String> positional) throws UsageException, WsemailException {
        if (positional.size() > 1) {
            throw new UsageException("address-book takes at most one search text (quote it if it has spaces)");
        }
        Element request = PluginXml.answer(positional.isEmpty() ? "list" : "search");
        if (!positional.isEmpty()) {
            request.setAttribute("query", positional.get(0));
        }
        Element entries = settings.connect().extension("address-book", request);
        org.w3c.dom.NodeList listed = entries.getElementsByTagNameNS("*", "entry");
        if (listed.getLength() == 0) {
            out.println(positional.isEmpty() ? "The address book is empty." : "No one matches '" + positional.get(0) + "'.");
        }
        for (int i = 0; i < listed.getLength(); i++) {
            Element entry = (Element) listed.item(i);
            out.printf("%-32s  %s%n", entry.getAttribute("address"), entry.getAttribute("name"));
        }
        return OK;
    }

    private int token(ClientSettings settings, Map<String, String> options, List<String> positional)
            throws UsageException, WsemailException {
        if (positional.size() != 1) {
            throw new UsageException("token needs the domain it is for");
        }
        if (settings.certificate() == null) {
            throw new UsageException("a token is bound to your certificate: log in with --certificate");
        }
        String token = new MessageCodec().toText(settings.connect().requestToken(positional.get(0)));
        if (options.containsKey("out")) {
            try {
                Files.writeString(Path.of(options.get("out")), token, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UsageException("cannot write " + options.get("out") + ": " + e.getMessage());
            }
            out.println("Wrote a token for " + positional.get(0) + " to " + options.get("out"));
        } else {
            out.println(token);
        }
        return OK;
    }

    /** {@code visit <url> send ...}: the send, as a visitor at another domain's server, on a token from the user's own. */
    private int visit(ClientSettings settings, Map<String, String> options, List<String> positional, List<Path> attach)
            throws UsageException, WsemailException {
        if (positional.size() != 2 || !positional.get(1).equals("send")) {
            throw new UsageException("visit needs the other server's URL and then send with its options");
        }
        if (settings.certificate() == null) {
            throw new UsageException("a visitor presents a token bound to their certificate: log in with --certificate");
        }
        URI server;
        try {
            server = new URI(positional.get(0));
        } catch (URISyntaxException e) {
            throw new UsageException("not a URL: " + positional.get(0));
        }
        List<Address> recipients;
        try {
            recipients = Address.parseList(options.getOrDefault("to", ""));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (recipients.isEmpty()) {
            throw new UsageException("send needs --to");
        }
        String domain = recipients.get(0).domain();
        WsemailClient home = settings.connect();
        Element token = home.requestToken(domain);
        WsemailClient visitor = WsemailClient.visiting(server, domain, token, settings.certificate(), settings.password(),
                settings.trusted());
        return send(visitor, options, attach);
    }

    private int extension(ClientSettings settings, List<String> positional) throws UsageException, WsemailException {
        if (positional.size() != 2) {
            throw new UsageException("extension needs the extension's id and an XML request, e.g. extension address-book '<list/>'");
        }
        MessageCodec codec = new MessageCodec();
        Element request;
        try {
            request = codec.parse(positional.get(1));
        } catch (IllegalArgumentException e) {
            throw new UsageException("the request is not XML: " + e.getMessage());
        }
        out.println(codec.toText(settings.connect().extension(positional.get(0), request)));
        return OK;
    }

    private static long id(String word) throws UsageException {
        try {
            return Long.parseLong(word);
        } catch (NumberFormatException e) {
            throw new UsageException("not a message id: " + word);
        }
    }
}
