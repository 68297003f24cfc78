package ${package};

import javax.jws.WebMethod;
import javax.jws.WebService;

/**
 * The contract of the plug-in's own SOAP endpoint (generated with {@code -Dendpoint=true}): a
 * JAX-WS interface. {@link ${className}Endpoint} implements it and the server publishes it.
 */
@WebService(targetNamespace = "urn:wsemail:plugin:${pluginName}", name = "${className}Service")
public interface ${className}Service {

    /** Who the server says is calling, how they logged in, and which domain answers. */
    @WebMethod
    String whoAmI();
}
