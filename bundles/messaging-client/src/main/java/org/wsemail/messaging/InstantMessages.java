package org.wsemail.messaging;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.wsemail.api.Address;
import org.wsemail.client.ReadMessage;
import org.wsemail.client.WsemailClient;
import org.wsemail.client.WsemailException;

/**
 * Instant messaging through a server's {@code instant-messaging} extension: a running client's
 * presence (register, renew, unregister), the messages handed to it (by poll, or pushed to its own
 * endpoint), sending with the outcome for each recipient, and who may message the user live.
 * Every message received is checked as mail is: the server signature, by the client's trusted
 * roots. Not thread-safe, as {@link WsemailClient} is not: one per thread.
 */
public final class InstantMessages {
    static final String EXTENSION = "instant-messaging";

    private final WsemailClient client;

    public InstantMessages(WsemailClient client) {
        this.client = client;
    }

    /** What became of a message sent at once, for one recipient. */
    public record Delivery(Address recipient, String outcome, String detail) {
        /** In words: delivered live, in the mailbox, dropped, refused, or not delivered yet. */
        public String describe() {
            return switch (outcome) {
                case "CONSUMED" -> detail.contains("dropped") ? "dropped (" + detail + ")" : detail;
                case "STORED" -> "not online: in the mailbox (" + detail + ")";
                case "REFUSED" -> "refused: " + detail;
                default -> "not delivered yet, queued: " + detail;
            };
        }
    }

    /** A registered client: its id and when the registration runs out unless renewed. */
    public record Registration(String client, Instant expires) {
    }

    /** Who may message the user live: the mode, and the addresses allowed and blocked. */
    public record Access(String mode, List<String> allowed, List<String> blocked) {
    }

    /**
     * Registers this running client (or renews {@code renewing}, when not null), to be reached by
     * poll and, when {@code push} is given, pushed to at that endpoint.
     */
    public Registration register(Duration expires, String renewing, PushEndpoint push) throws WsemailException {
        Element request = request("register");
        request.setAttribute("expires", String.valueOf(expires.toSeconds()));
        if (renewing != null) {
            request.setAttribute("client", renewing);
        }
        if (push != null) {
            Element endpoint = request.getOwnerDocument().createElementNS(null, "push");
            endpoint.setAttribute("url", push.url());
            endpoint.setAttribute("fingerprint", push.fingerprint());
            request.appendChild(endpoint);
        }
        Element answer = client.extension(EXTENSION, request);
        return new Registration(answer.getAttribute("client"), Instant.parse(answer.getAttribute("expires")));
    }

    public void unregister(String registered) throws WsemailException {
        Element request = request("unregister");
        request.setAttribute("client", registered);
        client.extension(EXTENSION, request);
    }

    /** Waits up to {@code wait} for messages handed to this client; each checked. */
    public List<ReadMessage> poll(String registered, Duration wait) throws WsemailException {
        Element request = request("poll");
        request.setAttribute("client", registered);
        request.setAttribute("wait", String.valueOf(wait.toSeconds()));
        Element answer = client.extension(EXTENSION, request);
        List<ReadMessage> messages = new ArrayList<>();
        for (Node node = answer.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element message && "message".equals(message.getLocalName())) {
                messages.add(client.verify(message.getTextContent()));
            }
        }
        return messages;
    }

    /** Checks a message pushed to this client's endpoint. */
    public ReadMessage received(String signedXml) {
        return client.verify(signedXml);
    }

    /** Sends {@code text} as an instant message at once; says what became of it for each recipient. */
    public List<Delivery> send(List<Address> to, String text, boolean dropIfOffline) throws WsemailException {
        Element request = request("send");
        request.setAttribute("to", to.stream().map(Address::toString).collect(Collectors.joining(",")));
        if (dropIfOffline) {
            request.setAttribute("drop-if-offline", "true");
        }
        request.setTextContent(text);
        Element answer = client.extension(EXTENSION, request);
        List<Delivery> deliveries = new ArrayList<>();
        for (Node node = answer.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element delivery && "delivery".equals(delivery.getLocalName())) {
                deliveries.add(new Delivery(Address.parse(delivery.getAttribute("recipient")), delivery.getAttribute("outcome"),
                        delivery.getTextContent()));
            }
        }
        return deliveries;
    }

    /** Who may message the user live; {@code mode} (everyone, contacts or list) changes it unless null. */
    public Access access(String mode) throws WsemailException {
        Element request = request("access");
        if (mode != null) {
            request.setAttribute("mode", mode);
        }
        return access(client.extension(EXTENSION, request));
    }

    /** Allows {@code who} to message the user live (and unblocks them). */
    public Access allow(Address who) throws WsemailException {
        return change("allow", who);
    }

    /** Blocks {@code who} from messaging the user live. */
    public Access deny(Address who) throws WsemailException {
        return change("deny", who);
    }

    private Access change(String operation, Address who) throws WsemailException {
        Element request = request(operation);
        request.setAttribute("address", who.toString());
        return access(client.extension(EXTENSION, request));
    }

    private static Access access(Element answer) {
        List<String> allowed = new ArrayList<>();
        List<String> blocked = new ArrayList<>();
        for (Node node = answer.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element entry) {
                ("allowed".equals(entry.getLocalName()) ? allowed : blocked).add(entry.getAttribute("address"));
            }
        }
        return new Access(answer.getAttribute("mode"), allowed, blocked);
    }

    static Element request(String name) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            Document document = factory.newDocumentBuilder().newDocument();
            Element request = document.createElementNS(null, name);
            document.appendChild(request);
            return request;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("cannot create an XML document", e);
        }
    }
}
