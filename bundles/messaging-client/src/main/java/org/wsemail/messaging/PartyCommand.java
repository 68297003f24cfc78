package org.wsemail.messaging;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import org.w3c.dom.Element;
import org.wsemail.api.Address;
import org.wsemail.client.ClientCommand;
import org.wsemail.client.ClientSettings;
import org.wsemail.client.Invocation;
import org.wsemail.client.Main;
import org.wsemail.client.ReadMessage;
import org.wsemail.client.UsageException;
import org.wsemail.client.WsemailClient;
import org.wsemail.client.WsemailException;
import org.wsemail.wire.soap.Flag;
import org.wsemail.wire.soap.Header;

/**
 * {@code wsemail party}: start a party line with other users, or join one you were invited to. On
 * the channel, each line typed goes to the other members and theirs are shown, until the input ends.
 * The channel's TLS presents the user's certificate ({@code --certificate}), and the client talks
 * only to the server certificate the signed invitation names.
 */
public final class PartyCommand implements ClientCommand {
    private static final String PARTY_LINE = "party-line";

    /** Where a channel is and which certificate its server presents, as an invitation or the start answer names them. */
    record Invitation(String channel, String host, int port, String fingerprint, Instant expires) {
    }

    private final InputStream input;

    public PartyCommand() {
        this(System.in);
    }

    PartyCommand(InputStream input) {
        this.input = input;
    }

    @Override
    public String name() {
        return "party";
    }

    @Override
    public String usage() {
        return String.join("\n",
                "  party start --with <address>[,<address>...] [--expires <seconds>]",
                "                   opens a party line (TLS, each member with their certificate) and invites them",
                "                   by instant message; then joins it: lines you type go to the others",
                "  party join <channel>",
                "                   joins the channel an invitation in your mailbox names (log in with --certificate)");
    }

    @Override
    public int run(Invocation invocation) throws UsageException, WsemailException {
        List<String> words = invocation.positional();
        if (words.isEmpty()) {
            throw new UsageException("party needs what to do: start or join");
        }
        return switch (words.get(0)) {
            case "start" -> start(invocation);
            case "join" -> {
                if (words.size() != 2) {
                    throw new UsageException("party join needs the channel, as the invitation names it");
                }
                yield join(invocation.settings(), invitation(invocation.settings().connect(), words.get(1)), invocation.out());
            }
            default -> throw new UsageException("unknown party command '" + words.get(0) + "'");
        };
    }

    private int start(Invocation invocation) throws UsageException, WsemailException {
        String with = invocation.options().get("with");
        if (with == null) {
            throw new UsageException("party start needs --with and the members' addresses");
        }
        Element request = InstantMessages.request("start");
        if (invocation.options().containsKey("expires")) {
            request.setAttribute("expires", invocation.options().get("expires"));
        }
        for (String member : with.split(",")) {
            try {
                Address.parse(member.trim());
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            Element entry = request.getOwnerDocument().createElementNS(null, "member");
            entry.setAttribute("address", member.trim());
            request.appendChild(entry);
        }
        Element channel = invocation.settings().connect().extension(PARTY_LINE, request);
        Invitation invitation = new Invitation(channel.getAttribute("id"), channel.getAttribute("host"),
                Integer.parseInt(channel.getAttribute("port")), channel.getAttribute("fingerprint"),
                Instant.parse(channel.getAttribute("expires")));
        PrintStream out = invocation.out();
        out.println("Party line " + invitation.channel() + " at " + invitation.host() + ":" + invitation.port() + " until "
                + invitation.expires());
        for (org.w3c.dom.Node node = channel.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element delivery) {
                out.println("  invited " + delivery.getAttribute("recipient") + ": " + new InstantMessages.Delivery(
                        Address.parse(delivery.getAttribute("recipient")), delivery.getAttribute("outcome"),
                        delivery.getTextContent()).describe());
            }
        }
        if (invocation.settings().certificate() == null) {
            out.println("Join it with your certificate: wsemail --certificate <file> party join " + invitation.channel());
            return Main.OK;
        }
        return join(invocation.settings(), invitation, out);
    }

    /** The newest invitation to {@code channel} in the user's mailbox whose server signature verifies. */
    static Invitation invitation(WsemailClient client, String channel) throws WsemailException, UsageException {
        List<Header> invitations = new ArrayList<>(client.inbox(Instant.EPOCH).stream()
                .filter(h -> h.getFlag().contains(Flag.DIRECT_CONNECT_INVITATION)).toList());
        invitations.sort(Comparator.comparing((Header h) -> h.getTimestamp().toGregorianCalendar().toInstant()).reversed());
        String unverified = null;
        for (Header header : invitations) {
            ReadMessage read = client.read(header.getId());
            Map<String, String> fields = fields(read.message().body());
            if (!channel.equals(fields.get("channel"))) {
                continue;
            }
            if (!read.verified()) {
                unverified = read.signatureReport();
                continue;
            }
            try {
                return new Invitation(channel, fields.get("host"), Integer.parseInt(fields.get("port")), fields.get("fingerprint"),
                        Instant.parse(fields.get("expires")));
            } catch (RuntimeException e) {
                throw new UsageException("the invitation to " + channel + " is garbled: " + e.getMessage());
            }
        }
        throw new UsageException(unverified != null
                ? "the invitation to channel " + channel + " does not carry a signature that verifies: " + unverified
                : "no invitation to channel " + channel + " in your mailbox");
    }

    /** The {@code key: value} lines of an invitation's body. */
    static Map<String, String> fields(String body) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : body.split("\n")) {
            int colon = line.indexOf(": ");
            if (colon > 0) {
                fields.putIfAbsent(line.substring(0, colon).trim(), line.substring(colon + 2).trim());
            }
        }
        return fields;
    }

    /** Connects with the user's certificate, then relays: typed lines out, the channel's lines shown. */
    private int join(ClientSettings settings, Invitation invitation, PrintStream out) throws UsageException, WsemailException {
        if (settings.certificate() == null) {
            throw new UsageException("a party line needs your certificate: give --certificate");
        }
        if (!Instant.now().isBefore(invitation.expires())) {
            throw new UsageException("the channel " + invitation.channel() + " expired at " + invitation.expires());
        }
        try (SSLSocket socket = connect(settings.certificate(), settings.password(), invitation)) {
            BufferedReader channel = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            Writer to = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8);
            to.write("JOIN " + invitation.channel() + "\n");
            to.flush();
            String first = channel.readLine();
            if (first == null || first.startsWith("REFUSED ")) {
                out.println(first == null ? "The party line closed the connection" : "Refused: " + first.substring(8));
                return Main.REFUSED;
            }
            out.println(first);
            out.flush();
            Thread shown = new Thread(() -> {
                try {
                    for (String line = channel.readLine(); line != null; line = channel.readLine()) {
                        out.println(line);
                        out.flush();
                    }
                } catch (IOException e) {
                    // the connection ended
                }
            }, "wsemail-party-line");
            shown.setDaemon(true);
            shown.start();
            BufferedReader typed = new BufferedReader(new InputStreamReader(input, StandardCharsets.UTF_8));
            for (String line = typed.readLine(); line != null && shown.isAlive(); line = typed.readLine()) {
                to.write(line + "\n");
                to.flush();
            }
            socket.shutdownOutput();
            shown.join(5_000);
            return Main.OK;
        } catch (IOException e) {
            throw new WsemailException(WsemailException.CONNECTION_FAILED, "cannot talk on the party line at " + invitation.host() + ":"
                    + invitation.port() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Main.REFUSED;
        }
    }

    private static SSLSocket connect(Path certificate, char[] password, Invitation invitation) throws IOException, WsemailException {
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(certificate)) {
                keys.load(in, password);
            }
            KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            managers.init(keys, password);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(managers.getKeyManagers(), new TrustManager[] {new Pinned(invitation.fingerprint())}, null);
            SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(invitation.host(), invitation.port());
            socket.startHandshake();
            return socket;
        } catch (GeneralSecurityException e) {
            throw new WsemailException(WsemailException.BAD_CREDENTIALS, "cannot use " + certificate + ": " + e.getMessage(), e);
        }
    }

    /** Trusts exactly the server certificate the signed invitation names. */
    private static final class Pinned implements X509TrustManager {
        private final String fingerprint;

        Pinned(String fingerprint) {
            this.fingerprint = fingerprint;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            try {
                String presented = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(chain[0].getEncoded()));
                if (!presented.equals(fingerprint)) {
                    throw new CertificateException("the party line's server is not the one the invitation names");
                }
            } catch (GeneralSecurityException e) {
                throw new CertificateException(e);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
