package ${package};

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.propertytypes.ExportedService;
import org.wsemail.api.ProcessingEnvironment;
import org.wsemail.api.plugin.MailContext;
import org.wsemail.api.plugin.SoapCaller;
import org.wsemail.api.plugin.SoapEndpoint;
import org.wsemail.api.plugin.SoapIntents;

/**
 * The plug-in's own SOAP endpoint, at {@code https://<server>/wsemail/${pluginName}}. Registering
 * this service with the export properties is all it takes: the server's distribution provider
 * publishes it with the intents it asks for (here: users log in with their password, every answer
 * is signed, oversized or hostile XML is refused) and takes it down when the bundle stops.
 * {@code wsemail:endpoint-list} shows it.
 *
 * <p>Called concurrently; {@link SoapCaller#current()} is the authenticated caller of each call.
 */
@Component(service = ${className}Service.class)
@ExportedService(service_exported_interfaces = ${className}Service.class, service_exported_configs = SoapEndpoint.CONFIG_TYPE,
        service_exported_intents = {SoapIntents.PASSWORD_LOGIN, SoapIntents.SIGNED_ANSWERS, SoapIntents.XML_LIMITS})
@SoapEndpoint(address = "/${pluginName}")
public class ${className}Endpoint implements ${className}Service {
    private final MailContext context;

    @Activate
    public ${className}Endpoint(@Reference MailContext context) {
        this.context = context;
    }

    @Override
    public String whoAmI() {
        ProcessingEnvironment caller = SoapCaller.current()
                .orElseThrow(() -> new IllegalStateException("called outside a SOAP call"));
        return caller.caller() + " (" + caller.authentication() + ") at " + context.domain();
    }
}
