package org.wsemail.endpoint.internal;

import org.apache.cxf.feature.Feature;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.propertytypes.ExportedService;
import org.wsemail.api.AuthenticationMethod;
import org.wsemail.api.plugin.SoapEndpoint;
import org.wsemail.api.plugin.SoapIntents;
import org.wsemail.wire.soap.MailClient;

/** The client service for users who log in with their password, published at {@code /wsemail/client}. */
@Component(service = MailClient.class)
@ExportedService(service_exported_interfaces = MailClient.class, service_exported_configs = SoapEndpoint.CONFIG_TYPE,
        service_exported_intents = {SoapIntents.PASSWORD_LOGIN, SoapIntents.SIGNED_ANSWERS, SoapIntents.XML_LIMITS,
            SoapIntents.COMPRESSED_READS})
@SoapEndpoint(address = "/client", wsdl = "wsdl/client.wsdl")
public class PasswordClientEndpoint extends ClientService {

    /** The intents are referenced so that the service is registered, and exported, only once they are there. */
    @Activate
    public PasswordClientEndpoint(@Reference ClientServiceParts parts,
            @Reference(target = "(" + Intent.NAME + "=" + SoapIntents.PASSWORD_LOGIN + ")") Feature login,
            @Reference(target = "(" + Intent.NAME + "=" + SoapIntents.SIGNED_ANSWERS + ")") Feature signedAnswers,
            @Reference(target = "(" + Intent.NAME + "=" + SoapIntents.XML_LIMITS + ")") Feature limits,
            @Reference(target = "(" + Intent.NAME + "=" + SoapIntents.COMPRESSED_READS + ")") Feature compressedReads) {
        super(parts.parts(), AuthenticationMethod.USERNAME_TOKEN, RequestContext.CURRENT);
    }
}
