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

#if( $extension )
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

#end
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
#if( $extension )
import org.w3c.dom.Document;
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
 * <p>Delivery: marks the subject of every message delivered here with {@code [${pluginName}]}.
#end
#if( $extension )
 * <p>Extension {@code ${pluginName}}: answers a request with the identity of the caller, to show
 * what a plug-in learns about who is asking.
#end
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

    private final String footer;

    @Activate
    public ${className}(Config config) {
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
        return DeliveryDecision.pass(message.toBuilder().subject("[${pluginName}] " + message.subject()).build());
    }
#end
#if( $extension )

    @Override
    public Element handle(Element request, ProcessingEnvironment env) throws ExtensionException {
        if (!"ping".equals(request.getLocalName())) {
            throw new ExtensionException(ExtensionException.BAD_REQUEST, "send <ping/>");
        }
        try {
            Document response = DocumentBuilderFactory.newInstance().newDocumentBuilder().newDocument();
            Element pong = response.createElement("pong");
            pong.setAttribute("caller", env.caller().toString());
            pong.setAttribute("authentication", env.authentication().name());
            response.appendChild(pong);
            return pong;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }
#end
}
