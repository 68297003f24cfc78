package org.wsemail.client;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;

import javax.activation.DataHandler;
import javax.activation.FileDataSource;
import javax.xml.ws.Holder;

import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.wsemail.api.Attachment;
import org.wsemail.api.plugin.PluginXml;
import org.wsemail.wire.MessageCodec;

/**
 * Attachments kept on the sending server (the paper's on-demand attachments): uploading a file for a
 * message to come, reading the signed list of an attachment's versions, fetching one (with a
 * federated token when the sender's domain is not the user's own), and, for the sender, publishing a
 * new version or withdrawing it. A fetched file is saved only if its SHA-256 is the one the sending
 * server signed: in the message for the version sent, in the version list for later ones.
 *
 * <p>One instance serves one task (a command, say): it keeps the services it reached, the senders'
 * servers with the tokens it got for them included, for the rest of its life, so that several
 * attachments of one message cost one token and one service set-up. Not thread-safe.
 */
public final class AttachmentTransfer {
    /** The server extension of the on-demand-attachments plug-in. */
    public static final String EXTENSION = "on-demand-attachments";
    /** The code of the refusal when the user's server keeps no attachments (the plug-in is not installed). */
    public static final String NOT_OFFERED = "NotOffered";

    /** One version of an attachment, as the sending server signed it. */
    public record Version(int number, String name, String contentType, long size, String sha256, Instant published) {
    }

    /** The versions of an attachment, oldest first, or that it was withdrawn. */
    public record Versions(List<Version> versions, boolean withdrawn) {
        public Optional<Version> newest() {
            return versions.isEmpty() ? Optional.empty() : Optional.of(versions.get(versions.size() - 1));
        }

        public Optional<Version> number(int number) {
            return versions.stream().filter(v -> v.number() == number).findFirst();
        }
    }

    /** A file fetched and checked: which version it holds, and the newest there is. */
    public record Fetched(Path file, Version version, int newest) {
    }

    private final WsemailClient home;
    /** The user's own attachments service, once used. */
    private org.wsemail.wire.attachments.Attachments own;
    /** The senders' servers reached so far, by domain and location. */
    private final Map<String, Server> servers = new HashMap<>();

    AttachmentTransfer(WsemailClient home) {
        this.home = home;
    }

    /**
     * Uploads a file to the user's own server, to be sent by the message that names the attachment
     * this returns (as one of {@link WsemailClient#send}'s attachments) or published as a new version.
     */
    public Attachment upload(Path file, String contentType) throws WsemailException {
        return upload(file, contentType, sent -> { });
    }

    /**
     * As {@link #upload(Path, String)}, telling {@code progress} how many of the file's bytes have
     * gone out so far, as they go (on the calling thread).
     */
    public Attachment upload(Path file, String contentType, LongConsumer progress) throws WsemailException {
        if (!Files.isRegularFile(file)) {
            throw new WsemailException("BadRequest", "no file " + file, null);
        }
        String type = contentType != null ? contentType : probe(file);
        URI base = home.baseUrl();
        if (own == null) {
            own = home.attachmentsService(base, home.serverDomain());
        }
        org.wsemail.wire.soap.OnDemand staged;
        try {
            staged = home.callService(base.toString(), () -> own
                    .upload(file.getFileName().toString(), type, new DataHandler(new CountedFile(file, progress))));
        } catch (WsemailException e) {
            if (notFound(e)) {
                throw new WsemailException(NOT_OFFERED, base + " keeps no attachments on demand (its on-demand-attachments"
                        + " plug-in is not installed)", e);
            }
            throw e;
        }
        return Attachment.onDemand(file.getFileName().toString(), type, MessageCodec.fromWire(staged));
    }

    /** The signed list of versions of a message's on-demand attachment, from the sender's server. */
    public Versions versions(ReadMessage read, String name) throws WsemailException {
        Attachment.OnDemand described = onDemand(read, name);
        return versions(sendersServer(read, described), described.guid());
    }

    /**
     * Fetches a version of a message's attachment into {@code out}: {@code number} null for the
     * newest. Refuses a message whose signature did not verify, and a content whose SHA-256 is not the
     * one the sending server signed (the file is then not saved).
     */
    public Fetched fetch(ReadMessage read, String name, Integer number, Path out) throws WsemailException {
        Attachment attachment = attachment(read, name);
        if (attachment.onDemand().isEmpty()) {
            if (number != null && number != 1) {
                throw new WsemailException("NoSuchAttachment", name + " travelled in the message itself and has no version " + number, null);
            }
            write(out, attachment.content());
            return new Fetched(out, new Version(1, name, attachment.contentType(), attachment.size(), sha256(attachment.content()),
                    read.message().timestamp()), 1);
        }
        if (!read.verified()) {
            throw new WsemailException("NotVerified", "the message's signature did not verify (" + read.signatureReport()
                    + "), so what it says about " + name + " cannot be trusted; not fetched", null);
        }
        Attachment.OnDemand described = attachment.onDemand().get();
        Server server = sendersServer(read, described);
        Version wanted;
        int newest;
        if (number != null && number == described.version()) {
            wanted = new Version(described.version(), name, attachment.contentType(), described.size(), described.sha256(),
                    read.message().timestamp());
            newest = described.version();
        } else {
            Versions versions = versions(server, described.guid());
            if (versions.withdrawn()) {
                throw new WsemailException("Withdrawn", "the sender withdrew " + name, null);
            }
            wanted = (number == null ? versions.newest() : versions.number(number)).orElseThrow(() -> new WsemailException(
                    "NoSuchAttachment", name + " has no version " + number + " (versions: " + versions.versions().size() + ")", null));
            newest = versions.newest().map(Version::number).orElse(wanted.number());
            if (wanted.number() == described.version() && !wanted.sha256().equals(described.sha256())) {
                throw new WsemailException("Tampered", "the sender's server lists version " + wanted.number() + " of " + name
                        + " with another SHA-256 than the signed message; not fetched", null);
            }
        }
        Holder<org.wsemail.wire.attachments.Version> version = new Holder<>();
        Holder<DataHandler> content = new Holder<>();
        String address = server.base().toString();
        home.callService(address, () -> {
            server.port().fetch(described.guid(), wanted.number(), version, content);
            return null;
        });
        Path partial = out.resolveSibling(out.getFileName() + ".part");
        String got;
        try (InputStream in = content.value.getInputStream()) {
            got = copyHashing(in, partial);
        } catch (IOException e) {
            deleteQuietly(partial);
            throw new WsemailException(WsemailException.CONNECTION_FAILED, "the transfer of " + name + " from " + address
                    + " broke off: " + e.getMessage(), e);
        }
        if (!got.equals(wanted.sha256())) {
            deleteQuietly(partial);
            throw new WsemailException("Tampered", "the content of " + name + " version " + wanted.number() + " from " + address
                    + " has SHA-256 " + got + ", not the " + wanted.sha256() + " its sender's server signed; it was altered and"
                    + " was not saved", null);
        }
        try {
            Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            deleteQuietly(partial);
            throw new WsemailException("Fault", "cannot write " + out + ": " + e.getMessage(), e);
        }
        return new Fetched(out, wanted, newest);
    }

    /** For the sender: uploads {@code file} and publishes it as the next version of the attachment {@code name} of message {@code messageId}. */
    public Version publish(String messageId, String name, Path file, String contentType) throws WsemailException {
        Attachment staged = upload(file, contentType);
        Element request = PluginXml.answer("publish");
        request.setAttribute("message", messageId);
        request.setAttribute("name", name);
        request.setAttribute("upload", staged.onDemand().orElseThrow().guid());
        return version(home.extension(EXTENSION, request));
    }

    /** For the sender: withdraws the attachment {@code name} of message {@code messageId}; no one fetches it any more. */
    public void withdraw(String messageId, String name) throws WsemailException {
        Element request = PluginXml.answer("withdraw");
        request.setAttribute("message", messageId);
        request.setAttribute("name", name);
        home.extension(EXTENSION, request);
    }

    /** The sender's server: the user's own, or, for another domain, reached with a token from the user's own. */
    private record Server(URI base, WsemailClient client, org.wsemail.wire.attachments.Attachments port) {
    }

    private Server sendersServer(ReadMessage read, Attachment.OnDemand described) throws WsemailException {
        String domain = read.message().sender().domain();
        URI base = described.location();
        if (base == null) {
            throw new WsemailException("NoSuchAttachment", "the message does not say where its attachment is kept", null);
        }
        String key = domain.toLowerCase(java.util.Locale.ROOT) + " " + base;
        Server known = servers.get(key);
        if (known != null) {
            return known;
        }
        WsemailClient client = domain.equalsIgnoreCase(home.serverDomain()) ? home : home.visitorAt(base, domain);
        Server server = new Server(base, client, client.attachmentsService(base, domain));
        servers.put(key, server);
        return server;
    }

    private static Versions versions(Server server, String guid) throws WsemailException {
        Element request = PluginXml.answer("versions");
        request.setAttribute("guid", guid);
        Element answer = server.client().extension(EXTENSION, request);
        List<Version> versions = new ArrayList<>();
        NodeList listed = answer.getElementsByTagNameNS("*", "version");
        for (int i = 0; i < listed.getLength(); i++) {
            versions.add(version((Element) listed.item(i)));
        }
        return new Versions(List.copyOf(versions), Boolean.parseBoolean(answer.getAttribute("withdrawn")));
    }

    private static Version version(Element element) {
        return new Version(Integer.parseInt(element.getAttribute("number")), element.getAttribute("name"),
                element.getAttribute("contentType"), Long.parseLong(element.getAttribute("size")), element.getAttribute("sha256"),
                Instant.parse(element.getAttribute("published")));
    }

    private static Attachment attachment(ReadMessage read, String name) throws WsemailException {
        return read.message().attachments().stream().filter(a -> a.name().equals(name)).findFirst()
                .orElseThrow(() -> new WsemailException("NoSuchAttachment", "message " + read.id() + " has no attachment " + name, null));
    }

    private static Attachment.OnDemand onDemand(ReadMessage read, String name) throws WsemailException {
        return attachment(read, name).onDemand().orElseThrow(() -> new WsemailException("NoSuchAttachment",
                name + " travelled in the message itself; it has no versions", null));
    }

    private static String copyHashing(InputStream in, Path file) throws IOException {
        MessageDigest digest = sha256();
        try (OutputStream out = new DigestOutputStream(Files.newOutputStream(file), digest)) {
            in.transferTo(out);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void write(Path out, byte[] content) throws WsemailException {
        try {
            Files.write(out, content);
        } catch (IOException e) {
            throw new WsemailException("Fault", "cannot write " + out + ": " + e.getMessage(), e);
        }
    }

    private static String sha256(byte[] content) {
        return HexFormat.of().formatHex(sha256().digest(content));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String probe(Path file) {
        try {
            String type = Files.probeContentType(file);
            return type != null ? type : "application/octet-stream";
        } catch (IOException e) {
            return "application/octet-stream";
        }
    }

    private static boolean notFound(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof org.apache.cxf.transport.http.HTTPException http && http.getResponseCode() == 404) {
                return true;
            }
        }
        return false;
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a partial file left behind holds nothing trusted; its name says so
        }
    }

    /** A file as the upload reads it, counting the bytes read. */
    private static final class CountedFile extends FileDataSource {
        private final LongConsumer progress;

        CountedFile(Path file, LongConsumer progress) {
            super(file.toFile());
            this.progress = progress;
        }

        @Override
        public InputStream getInputStream() throws IOException {
            return new FilterInputStream(super.getInputStream()) {
                private long read;

                @Override
                public int read() throws IOException {
                    int b = super.read();
                    if (b >= 0) {
                        progress.accept(++read);
                    }
                    return b;
                }

                @Override
                public int read(byte[] buffer, int offset, int length) throws IOException {
                    int n = super.read(buffer, offset, length);
                    if (n > 0) {
                        read += n;
                        progress.accept(read);
                    }
                    return n;
                }
            };
        }
    }
}
