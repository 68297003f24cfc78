package org.wsemail.plugins.ondemandattachments;

import java.io.IOException;
import java.io.InputStream;
import java.time.ZoneOffset;
import java.util.GregorianCalendar;

import javax.activation.DataHandler;
import javax.activation.FileDataSource;
import javax.xml.datatype.DatatypeConfigurationException;
import javax.xml.datatype.DatatypeFactory;
import javax.xml.ws.Holder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsemail.api.Address;
import org.wsemail.api.Attachment;
import org.wsemail.api.plugin.SoapCaller;
import org.wsemail.plugins.ondemandattachments.AttachmentLibrary.Fetched;
import org.wsemail.plugins.ondemandattachments.AttachmentLibrary.Refused;
import org.wsemail.plugins.ondemandattachments.Records.Staged;
import org.wsemail.plugins.ondemandattachments.Records.Version;
import org.wsemail.wire.MessageCodec;
import org.wsemail.wire.attachments.Attachments;
import org.wsemail.wire.attachments.MailFault;
import org.wsemail.wire.soap.Fault;
import org.wsemail.wire.soap.OnDemand;

/**
 * The attachments service ({@code wsdl/attachments.wsdl}): contents in and out as MTOM parts,
 * streamed between the wire and the {@link ContentStore}'s files. Who calls is the caller the
 * server authenticated ({@link SoapCaller}); what they may do is the {@link AttachmentLibrary}'s
 * to say. The two endpoints differ in who logs in how: users of this domain with their password,
 * recipients of other domains with a federated token.
 */
abstract class AttachmentsService implements Attachments {
    private static final Logger LOG = LoggerFactory.getLogger(AttachmentsService.class);

    final AttachmentLibrary library;

    AttachmentsService(AttachmentLibrary library) {
        this.library = library;
    }

    /** Whether callers of this endpoint may upload (only this domain's own users keep attachments here). */
    abstract boolean uploads();

    @Override
    public OnDemand upload(String name, String contentType, DataHandler content) throws MailFault {
        Address caller = caller();
        if (!uploads()) {
            throw fault(caller, AttachmentLibrary.NOT_AUTHORIZED, "a visitor fetches attachments here; only users of this domain upload");
        }
        if (content == null) {
            throw fault(caller, "BadRequest", "an upload needs its content");
        }
        try (InputStream in = content.getInputStream()) {
            Staged staged = library.upload(caller, name, contentType, in);
            return MessageCodec.toWire(new Attachment.OnDemand(staged.id(), staged.size(), staged.sha256(), 1, null));
        } catch (Refused e) {
            throw fault(caller, e.code, e.getMessage());
        } catch (IOException e) {
            throw fault(caller, "ServerError", "the upload could not be stored: " + e.getMessage());
        }
    }

    @Override
    public void fetch(String guid, Integer number, Holder<org.wsemail.wire.attachments.Version> version, Holder<DataHandler> content)
            throws MailFault {
        Address caller = caller();
        try {
            Fetched fetched = library.fetch(guid, number, caller);
            version.value = wire(fetched.version());
            content.value = new DataHandler(new FileDataSource(fetched.file().toFile()));
        } catch (Refused e) {
            throw fault(caller, e.code, e.getMessage());
        }
    }

    static org.wsemail.wire.attachments.Version wire(Version version) {
        org.wsemail.wire.attachments.Version wire = new org.wsemail.wire.attachments.Version();
        wire.setNumber(version.number());
        wire.setName(version.name());
        wire.setContentType(version.contentType());
        wire.setSize(version.size());
        wire.setSha256(version.sha256());
        try {
            wire.setPublished(DatatypeFactory.newInstance()
                    .newXMLGregorianCalendar(GregorianCalendar.from(version.published().atZone(ZoneOffset.UTC))));
        } catch (DatatypeConfigurationException e) {
            throw new IllegalStateException(e);
        }
        return wire;
    }

    private static Address caller() throws MailFault {
        return SoapCaller.current().map(env -> env.caller())
                .orElseThrow(() -> new MailFault("no authenticated caller", info("NotAuthenticated", "log in first")));
    }

    private static MailFault fault(Address caller, String code, String message) {
        LOG.info("Refused an attachments request of {}: {} ({})", caller, message, code);
        return new MailFault(message, info(code, message));
    }

    private static Fault info(String code, String message) {
        Fault fault = new Fault();
        fault.setCode(code);
        fault.setMessage(message);
        return fault;
    }
}
