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
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;

import org.wsemail.api.Address;
import org.wsemail.api.MessageFlag;
import org.wsemail.api.MailMessage;
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
            "                   --encrypt: your server encrypts it to the receiving server's certificate",
            "  inbox [--since <time, e.g. 2026-11-28T00:00:00Z>]",
            "  read <id>        shows the message and whether the sending server's signature verified",
            "  delete <id>...",
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

    private static final Set<String> BUILT_IN = Set.of("send", "inbox", "read", "delete");

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
            while (!words.isEmpty()) {
                String word = words.removeFirst();
                if (word.equals("--help") || word.equals("-h")) {
                    out.println(usage());
                    return OK;
                }
                if (word.equals("--encrypt")) {
                    options.put("encrypt", "true");
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
                case "send" -> send(settings, options);
                case "inbox" -> inbox(settings, options);
                case "read" -> read(settings, positional);
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

    private int send(ClientSettings settings, Map<String, String> options) throws UsageException, WsemailException {
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
        Set<MessageFlag> flags = options.containsKey("encrypt") ? Set.of(MessageFlag.ENCRYPTED_DELIVERY) : Set.of();
        String id = settings.connect().send(recipients, subject, body, List.of(), flags);
        out.println("Sent " + id + " to " + String.join(", ", recipients.stream().map(Address::toString).toList()));
        return OK;
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
        ReadMessage read = settings.connect().read(id(positional.get(0)));
        MailMessage message = read.message();
        out.println("From:      " + message.sender());
        out.println("To:        " + String.join(", ", message.recipients().stream().map(Address::toString).toList()));
        out.println("Date:      " + DATE.format(message.timestamp()));
        out.println("Subject:   " + message.subject());
        String signature = (read.verified() ? "verified, " : "NOT VERIFIED: ") + read.signatureReport();
        out.println("Signature: " + signature);
        out.println();
        out.println(message.body());
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

    private static long id(String word) throws UsageException {
        try {
            return Long.parseLong(word);
        } catch (NumberFormatException e) {
            throw new UsageException("not a message id: " + word);
        }
    }
}
