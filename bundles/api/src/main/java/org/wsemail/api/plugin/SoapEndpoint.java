package org.wsemail.api.plugin;

import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Where this server publishes an exported OSGi service as a SOAP web service. A component becomes an
 * endpoint with service properties alone, as OSGi Remote Services define them; the server's
 * distribution provider publishes it with CXF when the service is registered and takes it down when
 * it goes:
 *
 * <pre>{@code
 * @Component(service = AttachmentFetch.class)
 * @ExportedService(service_exported_interfaces = AttachmentFetch.class,
 *         service_exported_configs = SoapEndpoint.CONFIG_TYPE,
 *         service_exported_intents = {SoapIntents.FEDERATED_LOGIN, SoapIntents.SIGNED_ANSWERS, SoapIntents.XML_LIMITS})
 * @SoapEndpoint(address = "/attachments")
 * public class AttachmentFetchEndpoint implements AttachmentFetch { ... }
 * }</pre>
 *
 * The exported interface is a JAX-WS service interface. Every intent the export asks for must be one
 * the provider applies ({@link SoapIntents}); an export asking for any other is refused, never
 * published without it.
 */
@ComponentPropertyType
public @interface SoapEndpoint {
    /** Prefix of the property names. */
    String PREFIX_ = "org.wsemail.ws.";

    /** The configuration type of this server's SOAP endpoints, for {@code service.exported.configs}. */
    String CONFIG_TYPE = "org.wsemail.ws";

    /** Service property {@code org.wsemail.ws.address}, a {@link String}: the path below the server's web service context. */
    String ADDRESS = "org.wsemail.ws.address";

    /**
     * Service property {@code org.wsemail.ws.wsdl}, a {@link String}: the contract, a resource beside
     * the exported interface (e.g. {@code wsdl/client.wsdl}) naming one service and one port; none
     * for a contract CXF derives from the interface.
     */
    String WSDL = "org.wsemail.ws.wsdl";

    /** The path below the server's web service context ({@code /wsemail}), e.g. {@code /attachments}. */
    String address();

    /** The contract's WSDL, a resource beside the exported interface; empty for none. */
    String wsdl() default "";
}
