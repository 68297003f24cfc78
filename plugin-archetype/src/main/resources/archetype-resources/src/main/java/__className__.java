#set( $sending = $kinds.contains("sending") )
#set( $delivery = $kinds.contains("delivery") )
#set( $extension = $kinds.contains("extension") )
#set( $services = [] )
#if( $sending )#set( $ignore = $services.add("SendingProcessor.class") )#end
#if( $delivery )#set( $ignore = $services.add("DeliveryProcessor.class") )#end
#if( $extension )#set( $ignore = $services.add("ExtensionProcessor.class") )#end
#set( $interfaces = [] )
#if( $sending )#set( $ignore = $interfaces.add("SendingProcessor") )#end
#if( $delivery )#set( $ignore = $interfaces.add("DeliveryProcessor") )#end
#if( $extension )#set( $ignore = $interfaces.add("ExtensionProcessor") )#end
package ${package};

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
#if( $extension )
import org.w3c.dom.Element;
#end
#if( $delivery )
import org.wsemail.api.Address;
#end
import org.wsemail.api.MailMessage;
import org.wsemail.api.ProcessingEnvironment;
#if( $delivery )
import org.wsemail.api.plugin.DeliveryDecision;
import org.wsemail.api.plugin.DeliveryProcessor;
#end
#if( $extension )
import org.wsemail.api.plugin.ExtensionException;
import org.wsemail.api.plugin.ExtensionProcessor;
#end
import org.wsemail.api.plugin.MailContext;
#if( $extension )
import org.wsemail.api.plugin.PluginXml;
#end
#if( $sending )
import org.wsemail.api.plugin.SendingDecision;
import org.wsemail.api.plugin.SendingProcessor;
#end
#if( $extension )
import org.wsemail.api.plugin.WsemailExtension;
#end
import org.wsemail.api.plugin.WsemailPlugin;

/**
 * The WSEmail plug-in {@code ${pluginName}}.
 *
#if( $sending )
 * <p>Sending: adds a configurable footer to the body of every message sent through the server.
#end
#if( $delivery )
 * <p>Delivery: counts each recipient's deliveries in the plug-in's store and marks the subject of
 * every message delivered here with {@code [${pluginName}]}.
#end
#if( $extension )
 * <p>Extension {@code ${pluginName}}: answers {@code <ping/>} with who is asking, how they
 * authenticated and which domain answers, to show what a plug-in learns about the caller.
#end
 *
 * <p>It asks the server for what it needs through the {@link MailContext}: the domain, whether an
 * address is local, sending or answering a message, and its own persistent store. It needs
 * nothing else of the server.
 *
 * <p>Lifecycle: constructed and activated once, with its configuration, by Declarative Services;
 * then called concurrently by the server for as long as it runs. It keeps no per-message state.
 * Replace the examples with what your plug-in is for, and keep the name stable: administrators
 * order and enable plug-ins by it.
 */
@Component(service = {$services.toString().replace("[", "").replace("]", "")}, configurationPid = ${className}.PID)
@WsemailPlugin(name = "${pluginName}")
#if( $extension )
@WsemailExtension(id = "${pluginName}")
#end
@Designate(ocd = ${className}.Config.class)
public class ${className} implements $interfaces.toString().replace("[", "").replace("]", "") {
    static final String PID = "${package}";

    @ObjectClassDefinition(name = "WSEmail plug-in ${pluginName}")
    public @interface Config {
        @AttributeDefinition(name = "Footer", description = "Added below the body of every message sent")
        String footer() default "Sent through ${pluginName}";
    }

#if( $delivery )
    /** The store key under which each recipient's deliveries are counted. */
    static final String DELIVERIES = "deliveries";

#end
    private final MailContext context;
    private final String footer;

    @Activate
    public ${className}(Config config, @Reference MailContext context) {
        this.context = context;
        this.footer = config.footer();
    }
#if( $sending )

    @Override
    public SendingDecision process(MailMessage message, ProcessingEnvironment env) {
        if (message.body().endsWith(footer)) {
            return SendingDecision.accept();
        }
        return SendingDecision.accept(message.toBuilder().body(message.body() + "\n-- \n" + footer).build());
    }
#end
#if( $delivery )

    @Override
    public DeliveryDecision deliver(MailMessage message, Address recipient, ProcessingEnvironment env) {
        context.store().update(recipient, DELIVERIES, count -> String.valueOf(count == null ? 1 : Long.parseLong(count) + 1));
        return DeliveryDecision.pass(message.toBuilder().subject("[${pluginName}] " + message.subject()).build());
    }
#end
#if( $extension )

    @Override
    public Element handle(Element request, ProcessingEnvironment env) throws ExtensionException {
        if (!"ping".equals(request.getLocalName())) {
            throw new ExtensionException(ExtensionException.BAD_REQUEST, "send <ping/>");
        }
        Element pong = PluginXml.answer("pong");
        pong.setAttribute("caller", env.caller().toString());
        pong.setAttribute("authentication", env.authentication().name());
        pong.setAttribute("domain", context.domain());
        pong.setAttribute("local", String.valueOf(context.isLocalUser(env.caller())));
        return pong;
    }
#end
}
