package org.wsemail.plugins.ondemandattachments;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.propertytypes.ExportedService;
import org.wsemail.api.plugin.SoapEndpoint;
import org.wsemail.api.plugin.SoapIntents;
import org.wsemail.wire.attachments.Attachments;

/**
 * The attachments service for this domain's users, who log in with their password: they upload the
 * files of messages to come (and of new versions), and fetch the attachments of messages from users
 * of this domain. Published at {@code /wsemail/attachments} while the plug-in runs.
 */
@Component(service = Attachments.class)
@ExportedService(service_exported_interfaces = Attachments.class, service_exported_configs = SoapEndpoint.CONFIG_TYPE,
        service_exported_intents = {SoapIntents.PASSWORD_LOGIN, SoapIntents.XML_LIMITS, SoapIntents.STREAMED_ATTACHMENTS})
@SoapEndpoint(address = "/attachments", wsdl = "wsdl/attachments.wsdl")
public class AttachmentsEndpoint extends AttachmentsService {

    @Activate
    public AttachmentsEndpoint(@Reference AttachmentLibrary library) {
        super(library);
    }

    @Override
    boolean uploads() {
        return true;
    }
}
