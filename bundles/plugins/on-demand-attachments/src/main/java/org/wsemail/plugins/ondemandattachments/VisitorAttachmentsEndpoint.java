package org.wsemail.plugins.ondemandattachments;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.propertytypes.ExportedService;
import org.wsemail.api.plugin.SoapEndpoint;
import org.wsemail.api.plugin.SoapIntents;
import org.wsemail.wire.attachments.Attachments;

/**
 * The attachments service for recipients of other domains: each request carries a federated
 * identity token from the recipient's own server (its issuer must be the recipient's domain, its
 * audience this one) and is signed with the key the token is bound to; the server checks all of it
 * before this service runs, and the {@link AttachmentLibrary} then checks that the token's subject
 * is a recipient of the message. Fetch only. Published at {@code /wsemail/attachments-federated}.
 */
@Component(service = Attachments.class)
@ExportedService(service_exported_interfaces = Attachments.class, service_exported_configs = SoapEndpoint.CONFIG_TYPE,
        service_exported_intents = {SoapIntents.FEDERATED_LOGIN, SoapIntents.XML_LIMITS, SoapIntents.STREAMED_ATTACHMENTS})
@SoapEndpoint(address = "/attachments-federated", wsdl = "wsdl/attachments.wsdl")
public class VisitorAttachmentsEndpoint extends AttachmentsService {

    @Activate
    public VisitorAttachmentsEndpoint(@Reference AttachmentLibrary library) {
        super(library);
    }

    @Override
    boolean uploads() {
        return false;
    }
}
