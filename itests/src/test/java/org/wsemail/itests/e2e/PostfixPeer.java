package org.wsemail.itests.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.wsemail.security.Pki;

/**
 * A real Postfix (Debian's), the Internet mail server of {@code legacy.test}: an instance of its own
 * in a folder below {@code target/}, listening on 127.0.0.1 only, with STARTTLS, a maildir for
 * every user of legacy.test, and mail for the WSEmail domain relayed to that domain's SMTP gateway.
 * {@code loop@legacy.test} forwards to a WSEmail user, so that mail can go out and come back;
 * {@link #CLOSED} is refused.
 * Needs root (Postfix's master runs as root and drops to the postfix user), as CI has.
 */
final class PostfixPeer implements AutoCloseable {
    static final String DOMAIN = "legacy.test";
    /** An address Postfix refuses for good (550) when it is named at RCPT. */
    static final String CLOSED = "gone@" + DOMAIN;
    private static final String[] POSTFIX = {"/usr/sbin/postfix", "/usr/bin/postfix"};

    final Path folder;
    final int port;
    private final String binary;

    /**
     * @param port where it listens for SMTP on 127.0.0.1
     * @param relayDomain the WSEmail domain whose mail it hands to the gateway
     * @param gateway the gateway, as {@code address:port}
     * @param loopTarget where {@code loop@legacy.test} forwards to
     */
    PostfixPeer(Path folder, int port, String relayDomain, String gateway, String loopTarget) throws Exception {
        this.binary = Stream.of(POSTFIX).filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElseThrow(() ->
                new IllegalStateException("these tests need Postfix as the outside world: apt-get install postfix; .ci/run does"));
        if (!command("id", "-u").trim().equals("0")) {
            throw new IllegalStateException("these tests start a Postfix instance, which needs root (as CI runs)");
        }
        this.folder = folder;
        this.port = port;
        Files.createDirectories(folder.resolve("mail"));
        Files.createDirectories(folder.resolve("data"));
        Files.createDirectories(folder.resolve("queue"));
        Pki.CertifiedKey authority = Pki.createAuthority("legacy.test CA", Duration.ofDays(1));
        Pki.CertifiedKey server = Pki.issueServerCertificate(authority, DOMAIN, Duration.ofDays(1), "mx.legacy.test");
        Pki.writePem(folder.resolve("cert.pem"), server.certificate());
        Files.writeString(folder.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(server.keyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        String owner = command("id", "-u", "postfix").trim();
        String group = command("id", "-g", "postfix").trim();
        Files.writeString(folder.resolve("main.cf"), String.join("\n",
                "compatibility_level = 3.6",
                "queue_directory = " + folder.resolve("queue"),
                "data_directory = " + folder.resolve("data"),
                "mail_owner = postfix",
                "setgid_group = postdrop",
                "inet_interfaces = 127.0.0.1",
                "inet_protocols = ipv4",
                "myhostname = mx." + DOMAIN,
                "mydomain = " + DOMAIN,
                "mydestination =",
                "mynetworks = 127.0.0.0/8",
                "alias_maps =",
                "alias_database =",
                "virtual_alias_maps = inline:{ loop@" + DOMAIN + "=" + loopTarget + " }",
                "virtual_mailbox_domains = " + DOMAIN,
                "virtual_mailbox_base = " + folder.resolve("mail"),
                "virtual_mailbox_maps = static:inbox/",
                "virtual_uid_maps = static:" + owner,
                "virtual_gid_maps = static:" + group,
                "relay_domains = " + relayDomain,
                "transport_maps = inline:{ " + relayDomain + "=smtp:[" + gateway.replace(":", "]:") + " }",
                "smtp_tls_security_level = may",
                "smtpd_tls_security_level = may",
                "smtpd_tls_loglevel = 1",
                "smtp_tls_loglevel = 1",
                "smtpd_tls_cert_file = " + folder.resolve("cert.pem"),
                "smtpd_tls_key_file = " + folder.resolve("key.pem"),
                "smtp_dns_support_level = disabled",
                "smtp_host_lookup = native",
                "maillog_file_prefixes = " + folder,
                "maillog_file = " + folder.resolve("postfix.log"),
                "smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination",
                "smtpd_recipient_restrictions = check_recipient_access inline:{ { " + CLOSED + " = REJECT this mailbox is closed } }",
                "smtputf8_enable = no",
                "biff = no",
                "queue_run_delay = 1s",
                "minimal_backoff_time = 1s",
                "maximal_backoff_time = 2s",
                ""));
        List<String> services = List.of(
                "127.0.0.1:" + port + " inet n - n - - smtpd",
                "pickup unix n - n 60 1 pickup", "cleanup unix n - n - 0 cleanup", "qmgr unix n - n 300 1 qmgr",
                "tlsmgr unix - - n 1000? 1 tlsmgr", "rewrite unix - - n - - trivial-rewrite", "bounce unix - - n - 0 bounce",
                "defer unix - - n - 0 bounce", "trace unix - - n - 0 bounce", "verify unix - - n - 1 verify",
                "flush unix n - n 1000? 0 flush", "proxymap unix - - n - - proxymap", "smtp unix - - n - - smtp",
                "relay unix - - n - - smtp", "showq unix n - n - - showq", "error unix - - n - - error",
                "retry unix - - n - - error", "discard unix - - n - - discard", "virtual unix - n n - - virtual",
                "anvil unix - - n - 1 anvil", "scache unix - - n - 1 scache", "postlog unix-dgram n - n - 1 postlogd");
        Files.write(folder.resolve("master.cf"), services);
        command("chown", "-R", "postfix", folder.resolve("data").toString(), folder.resolve("mail").toString());
        start();
    }

    void start() throws IOException, InterruptedException {
        command(binary, "-c", folder.toString(), "start");
    }

    void stop() throws IOException, InterruptedException {
        command(binary, "-c", folder.toString(), "stop");
    }

    /** The messages in a user's maildir (every user of legacy.test shares one here), as raw bytes. */
    List<byte[]> mailbox() throws IOException {
        Path inbox = folder.resolve("mail/inbox/new");
        List<byte[]> messages = new ArrayList<>();
        if (Files.isDirectory(inbox)) {
            try (Stream<Path> files = Files.list(inbox)) {
                for (Path file : files.sorted().toList()) {
                    messages.add(Files.readAllBytes(file));
                }
            }
        }
        return messages;
    }

    String log() throws IOException {
        Path log = folder.resolve("postfix.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    private static String command(String... line) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", line) + " failed: " + output);
        }
        return output;
    }

    /** Stops it if it runs. */
    @Override
    public void close() throws Exception {
        Process status = new ProcessBuilder(binary, "-c", folder.toString(), "status").redirectErrorStream(true).start();
        status.getInputStream().readAllBytes();
        if (status.waitFor() == 0) {
            stop();
        }
    }
}
