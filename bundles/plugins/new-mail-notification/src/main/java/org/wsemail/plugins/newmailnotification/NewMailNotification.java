package org.wsemail.plugins.newmailnotification;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Element;
import org.wsemail.api.Address;
import org.wsemail.api.MailMessage;
import org.wsemail.api.NetworkAddresses;
import org.wsemail.api.ProcessingEnvironment;
import org.wsemail.api.plugin.DeliveryDecision;
import org.wsemail.api.plugin.DeliveryProcessor;
import org.wsemail.api.plugin.ExtensionException;
import org.wsemail.api.plugin.ExtensionProcessor;
import org.wsemail.api.plugin.MailContext;
import org.wsemail.api.plugin.PluginStore;
import org.wsemail.api.plugin.PluginXml;
import org.wsemail.api.plugin.WsemailExtension;
import org.wsemail.api.plugin.WsemailPlugin;

/**
 * Tells a user's client that mail has arrived. The client registers where to be told through the
 * {@code new-mail-notification} extension ({@code <register host="..." port="..."/>},
 * {@code <unregister/>}); each delivery to that user then sends one UDP datagram there, a line
 * {@code NEW-MAIL <recipient> <sender> <subject>}, and delivery goes on to the mailbox. Only
 * unprivileged ports ({@code min.port}) on public addresses are accepted by default, so the server
 * cannot be made to knock on system services or on hosts behind its firewall; {@code
 * allow.private.targets} lets clients on the server's own networks register.
 *
 * <p>Each user's target is their value under {@value #TARGET} in the plug-in's store. Called
 * concurrently.
 */
@Component(service = {DeliveryProcessor.class, ExtensionProcessor.class}, configurationPid = NewMailNotification.PID)
@WsemailPlugin(name = "new-mail-notification")
@WsemailExtension(id = "new-mail-notification")
@Designate(ocd = NewMailNotification.Config.class)
public class NewMailNotification implements DeliveryProcessor, ExtensionProcessor {
    static final String PID = "org.wsemail.plugins.newmailnotification";

    @ObjectClassDefinition(name = "WSEmail new-mail notification")
    public @interface Config {
        @AttributeDefinition(name = "Lowest port", description = "Clients may register ports from this one to 65535")
        int min_port() default 1024;

        @AttributeDefinition(name = "Allow internal targets",
                description = "Accept loopback, private and link-local addresses: only where the clients are on the server's own networks")
        boolean allow_private_targets() default false;
    }

    /** The store key of a user's target, {@code host:port}. */
    static final String TARGET = "target";
    private static final int MAX_DATAGRAM = 512;
    private static final Logger LOG = LoggerFactory.getLogger(NewMailNotification.class);

    private final PluginStore store;
    private final int minPort;
    private final boolean allowInternal;

    @Activate
    public NewMailNotification(Config config, @Reference MailContext context) {
        this.store = context.store();
        this.minPort = Math.max(1, config.min_port());
        this.allowInternal = config.allow_private_targets();
    }

    @Override
    public Element handle(Element request, ProcessingEnvironment env) throws ExtensionException {
        if (!env.isLocalUser()) {
            throw new ExtensionException(ExtensionException.NOT_AUTHORIZED, "only users of this server can be notified");
        }
        Address user = env.caller();
        InetSocketAddress target;
        switch (String.valueOf(request.getLocalName())) {
            case "register" -> {
                target = parseTarget(request.getAttribute("host") + ":" + request.getAttribute("port"));
                store.put(user, TARGET, target.getAddress().getHostAddress() + ":" + target.getPort());
            }
            case "unregister" -> {
                target = null;
                store.remove(user, TARGET);
            }
            default -> throw new ExtensionException(ExtensionException.BAD_REQUEST, "send <register host=\"...\" port=\"...\"/> or <unregister/>");
        }
        LOG.info("New-mail notification of {} {}", user, target == null ? "off" : "to " + target);
        return answer(target);
    }

    InetSocketAddress parseTarget(String hostAndPort) throws ExtensionException {
        int colon = hostAndPort.lastIndexOf(':');
        String host = colon < 0 ? "" : hostAndPort.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(hostAndPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (host.isBlank() || port < minPort || port > 65535) {
            throw new ExtensionException(ExtensionException.BAD_REQUEST, "give a host and a port from " + minPort + " to 65535");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new ExtensionException(ExtensionException.BAD_REQUEST, "unknown host " + host);
        }
        if (!allowInternal && NetworkAddresses.isInternal(address)) {
            throw new ExtensionException(ExtensionException.NOT_AUTHORIZED, address.getHostAddress()
                    + " is an internal address (loopback, private or link-local); this server notifies public addresses only");
        }
        return new InetSocketAddress(address, port);
    }

    private static Element answer(InetSocketAddress target) {
        Element notification = PluginXml.answer("notification");
        notification.setAttribute("active", String.valueOf(target != null));
        if (target != null) {
            notification.setAttribute("host", target.getAddress().getHostAddress());
            notification.setAttribute("port", String.valueOf(target.getPort()));
        }
        return notification;
    }

    /** The user's registered target; empty when none, or when the stored one no longer passes the checks. */
    private Optional<InetSocketAddress> target(Address user) {
        Optional<String> stored = store.get(user, TARGET);
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(parseTarget(stored.get()));
        } catch (ExtensionException e) {
            LOG.warn("Ignoring the stored notification target of {}: {}", user, e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public DeliveryDecision deliver(MailMessage message, Address recipient, ProcessingEnvironment env) {
        InetSocketAddress target = target(recipient).orElse(null);
        if (target != null) {
            byte[] line = ("NEW-MAIL " + recipient + " " + message.sender() + " " + message.subject().replace('\n', ' '))
                    .getBytes(StandardCharsets.UTF_8);
            byte[] datagram = line.length > MAX_DATAGRAM ? Arrays.copyOf(line, MAX_DATAGRAM) : line;
            try (DatagramSocket socket = new DatagramSocket()) {
                socket.send(new DatagramPacket(datagram, datagram.length, target));
            } catch (IOException e) {
                LOG.info("Cannot notify {} at {}: {}", recipient, target, e.getMessage());
            }
        }
        return DeliveryDecision.pass();
    }
}
