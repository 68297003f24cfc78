package org.wsemail.messaging;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

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

/** {@code wsemail im}: send instant messages, listen for them, and say who may send them to you. */
public final class ImCommand implements ClientCommand {
    private static final Duration REGISTRATION = Duration.ofSeconds(60);
    private static final Duration LONGEST_POLL = Duration.ofSeconds(25);

    @Override
    public String name() {
        return "im";
    }

    @Override
    public String usage() {
        return String.join("\n",
                "  im send --to <address>[,<address>...] [--offline mailbox|drop] [--direct <url>] <text>",
                "                   an instant message, at once; says for each recipient: delivered live, in the mailbox,",
                "                   dropped or refused. --direct: straight to the recipient's server at <url>, with a token",
                "                   from yours (log in with --certificate)",
                "  im listen [--count <n>] [--timeout <seconds>] [--push yes|no]",
                "                   shows a line \"sender: text\" for each instant message until n arrived or time is up;",
                "                   pushed to an HTTPS endpoint of this client's own, else fetched by polling",
                "  im access [everyone|contacts|list]   im allow <address>   im deny <address>",
                "                   who may send you instant messages");
    }

    @Override
    public int run(Invocation invocation) throws UsageException, WsemailException {
        List<String> words = invocation.positional();
        if (words.isEmpty()) {
            throw new UsageException("im needs what to do: send, listen, access, allow or deny");
        }
        String what = words.get(0);
        List<String> rest = words.subList(1, words.size());
        return switch (what) {
            case "send" -> send(invocation, rest);
            case "listen" -> listen(invocation);
            case "access" -> show(invocation.out(), messages(invocation).access(rest.isEmpty() ? null : rest.get(0)));
            case "allow" -> show(invocation.out(), messages(invocation).allow(address(rest)));
            case "deny" -> show(invocation.out(), messages(invocation).deny(address(rest)));
            default -> throw new UsageException("unknown im command '" + what + "'");
        };
    }

    private static InstantMessages messages(Invocation invocation) throws WsemailException {
        return new InstantMessages(invocation.settings().connect());
    }

    private static Address address(List<String> words) throws UsageException {
        if (words.size() != 1) {
            throw new UsageException("give one address");
        }
        try {
            return Address.parse(words.get(0));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static int show(PrintStream out, InstantMessages.Access access) {
        out.println("Instant messages from: " + access.mode());
        access.allowed().forEach(a -> out.println("  allowed: " + a));
        access.blocked().forEach(a -> out.println("  blocked: " + a));
        return Main.OK;
    }

    private static int send(Invocation invocation, List<String> words) throws UsageException, WsemailException {
        Map<String, String> options = invocation.options();
        String text = String.join(" ", words).strip();
        if (!options.containsKey("to") || text.isEmpty()) {
            throw new UsageException("im send needs --to and a text");
        }
        List<Address> to = new ArrayList<>();
        try {
            for (String address : options.get("to").split(",")) {
                to.add(Address.parse(address.trim()));
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        String offline = options.getOrDefault("offline", "mailbox");
        if (!Set.of("mailbox", "drop").contains(offline)) {
            throw new UsageException("--offline is mailbox or drop, not " + offline);
        }
        WsemailClient client = options.containsKey("direct") ? direct(invocation.settings(), options.get("direct"), to)
                : invocation.settings().connect();
        boolean refused = false;
        for (InstantMessages.Delivery delivery : new InstantMessages(client).send(to, text, "drop".equals(offline))) {
            invocation.out().println(delivery.recipient() + ": " + delivery.describe());
            refused |= "REFUSED".equals(delivery.outcome());
        }
        return refused ? Main.REFUSED : Main.OK;
    }

    /** A client of the recipients' server, logged in with a token for it from the user's own server. */
    private static WsemailClient direct(ClientSettings settings, String url, List<Address> to) throws UsageException, WsemailException {
        Set<String> domains = new HashSet<>();
        to.forEach(a -> domains.add(a.domain()));
        if (domains.size() != 1) {
            throw new UsageException("--direct sends to one domain's users at a time, not to " + domains);
        }
        if (settings.certificate() == null) {
            throw new UsageException("--direct needs a token, which only a certificate login gets: give --certificate");
        }
        String domain = domains.iterator().next();
        Element token = settings.connect().requestToken(domain);
        URI server;
        try {
            server = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new UsageException("not a URL: " + url);
        }
        return WsemailClient.visiting(server, domain, token, settings.certificate(), settings.password(), settings.trusted());
    }

    private static int listen(Invocation invocation) throws UsageException, WsemailException {
        Map<String, String> options = invocation.options();
        int count = number(options, "count", Integer.MAX_VALUE);
        Duration timeout = Duration.ofSeconds(number(options, "timeout", Integer.MAX_VALUE));
        boolean push = !"no".equals(options.getOrDefault("push", "yes"));
        ClientSettings settings = invocation.settings();
        WsemailClient client = settings.connect();
        InstantMessages messages = new InstantMessages(client);
        BlockingQueue<String> arrived = new LinkedBlockingQueue<>();
        PushEndpoint endpoint = null;
        try {
            if (push) {
                endpoint = new PushEndpoint(new InetSocketAddress(0),
                        PushEndpoint.reachableHost(settings.server().getHost(), port(settings.server())), arrived::add);
            }
            InstantMessages.Registration registration = messages.register(REGISTRATION, null, endpoint);
            invocation.out().println("Listening for instant messages to " + client.user() + " ("
                    + (endpoint == null ? "polling" : "pushed to " + endpoint.url() + ", else polling") + ")");
            invocation.out().flush();
            AtomicBoolean done = new AtomicBoolean();
            Thread poller = poller(settings, registration.client(), arrived, done);
            try {
                receive(invocation.out(), messages, registration, endpoint, arrived, count, timeout);
            } finally {
                done.set(true);
                poller.interrupt();
                messages.unregister(registration.client());
            }
            return Main.OK;
        } catch (IOException e) {
            throw new WsemailException(WsemailException.CONNECTION_FAILED, "cannot open the push endpoint: " + e.getMessage(), e);
        } finally {
            if (endpoint != null) {
                endpoint.close();
            }
        }
    }

    /** Prints messages as they arrive, renewing the registration on the way, until enough came or time is up. */
    private static void receive(PrintStream out, InstantMessages messages, InstantMessages.Registration registration,
            PushEndpoint endpoint, BlockingQueue<String> arrived, int count, Duration timeout) throws WsemailException {
        long deadline = timeout.getSeconds() >= Integer.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        long renewAt = System.nanoTime() + REGISTRATION.toNanos() / 2;
        Set<String> seen = new HashSet<>();
        int shown = 0;
        while (shown < count && System.nanoTime() < deadline) {
            String signed;
            try {
                signed = arrived.poll(Math.min(1000, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (System.nanoTime() > renewAt) {
                messages.register(REGISTRATION, registration.client(), endpoint);
                renewAt = System.nanoTime() + REGISTRATION.toNanos() / 2;
            }
            if (signed == null) {
                continue;
            }
            ReadMessage message;
            try {
                message = messages.received(signed);
            } catch (IllegalArgumentException e) {
                out.println("(a message that could not be read: " + e.getMessage() + ")");
                continue;
            }
            if (!seen.add(message.message().messageId())) {
                continue;
            }
            out.println(line(message));
            out.flush();
            shown++;
        }
    }

    /** {@code sender: text}, on one line, marked when the signature did not verify. */
    static String line(ReadMessage message) {
        String text = message.message().body().strip().replace("\r", "").replace("\n", " / ");
        String line = message.message().sender() + ": " + text;
        return message.verified() ? line : line + "   [signature NOT verified: " + message.signatureReport() + "]";
    }

    /** Fetches what is handed over at polls, on a thread (and a connection) of its own. */
    private static Thread poller(ClientSettings settings, String registered, BlockingQueue<String> arrived, AtomicBoolean done)
            throws WsemailException {
        WsemailClient own = settings.connect();
        Thread poller = new Thread(() -> {
            while (!done.get()) {
                try {
                    for (Element message : rawPoll(own, registered)) {
                        arrived.add(message.getTextContent());
                    }
                } catch (WsemailException e) {
                    if (done.get()) {
                        return;
                    }
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException interrupted) {
                        return;
                    }
                }
            }
        }, "wsemail-im-poll");
        poller.setDaemon(true);
        poller.start();
        return poller;
    }

    private static List<Element> rawPoll(WsemailClient client, String registered) throws WsemailException {
        Element request = InstantMessages.request("poll");
        request.setAttribute("client", registered);
        request.setAttribute("wait", String.valueOf(LONGEST_POLL.toSeconds()));
        Element answer = client.extension(InstantMessages.EXTENSION, request);
        List<Element> messages = new ArrayList<>();
        for (org.w3c.dom.Node node = answer.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element message && "message".equals(message.getLocalName())) {
                messages.add(message);
            }
        }
        return messages;
    }

    private static int port(URI server) {
        return server.getPort() > 0 ? server.getPort() : 443;
    }

    private static int number(Map<String, String> options, String name, int standard) throws UsageException {
        String given = options.get(name);
        if (given == null) {
            return standard;
        }
        try {
            int value = Integer.parseInt(given);
            if (value < 1) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " needs a positive number, not " + given);
        }
    }
}
