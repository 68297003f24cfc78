package org.wsemail.plugins.ondemandattachments;

import java.io.IOException;
import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.w3c.dom.Element;
import org.wsemail.api.Attachment;
import org.wsemail.api.MailMessage;
import org.wsemail.api.MessageFlag;
import org.wsemail.api.ProcessingEnvironment;
import org.wsemail.api.plugin.ExtensionException;
import org.wsemail.api.plugin.ExtensionProcessor;
import org.wsemail.api.plugin.PluginXml;
import org.wsemail.api.plugin.SendingDecision;
import org.wsemail.api.plugin.SendingProcessor;
import org.wsemail.api.plugin.WsemailExtension;
import org.wsemail.api.plugin.WsemailPlugin;
import org.wsemail.plugins.ondemandattachments.AttachmentLibrary.Refused;
import org.wsemail.plugins.ondemandattachments.Records.Kept;
import org.wsemail.plugins.ondemandattachments.Records.Version;

/**
 * On-demand attachments (the paper's section 4.3): a local user's message leaves this server with
 * its attachments described (GUID, name, type, size, SHA-256, version, where to fetch), their bytes
 * kept here for the message's recipients; no attachment byte travels between servers. The
 * description is part of the message, which this server signs as usual.
 *
 * <p>The {@code on-demand-attachments} extension (answers signed by this server, as all are):
 * {@code <versions guid="..."/>} for the sender or a recipient lists the versions
 * ({@code <versions withdrawn="..."><version number= name= contentType= size= sha256= published=/></versions>});
 * for the sender, {@code <publish message="ID" name="NAME" upload="UPLOAD"/>} makes an upload the next
 * version, {@code <withdraw message="ID" name="NAME"/>} withdraws the attachment. Contents are sent and
 * fetched through the attachments service ({@link AttachmentsEndpoint}, {@link VisitorAttachmentsEndpoint}).
 */
@Component(service = {SendingProcessor.class, ExtensionProcessor.class})
@WsemailPlugin(name = "on-demand-attachments")
@WsemailExtension(id = "on-demand-attachments")
public class OnDemandAttachments implements SendingProcessor, ExtensionProcessor {
    private final AttachmentLibrary library;

    @Activate
    public OnDemandAttachments(@Reference AttachmentLibrary library) {
        this.library = library;
    }

    @Override
    public SendingDecision process(MailMessage message, ProcessingEnvironment env) {
        // A form travels inside its message, under the server's signature, from approver to approver.
        if (message.attachments().isEmpty() || !env.isLocalUser() || message.hasFlag(MessageFlag.FORM)) {
            return SendingDecision.accept();
        }
        try {
            List<Attachment> described = library.keep(env.caller(), message.messageId(), message.recipients(), message.attachments());
            return SendingDecision.accept(message.toBuilder().attachments(described).build());
        } catch (Refused e) {
            return SendingDecision.reject(e.getMessage());
        } catch (IOException e) {
            return SendingDecision.reject("this server cannot keep the attachments now (" + e.getMessage() + "); nothing was sent");
        }
    }

    @Override
    public Element handle(Element request, ProcessingEnvironment env) throws ExtensionException {
        try {
            return switch (String.valueOf(request.getLocalName())) {
                case "versions" -> versions(request.getAttribute("guid"), env);
                case "publish" -> {
                    Version version = library.publish(env.caller(), request.getAttribute("message"), request.getAttribute("name"),
                            request.getAttribute("upload"));
                    Element answer = PluginXml.answer("published");
                    describe(answer, version);
                    yield answer;
                }
                case "withdraw" -> {
                    library.withdraw(env.caller(), request.getAttribute("message"), request.getAttribute("name"));
                    yield PluginXml.answer("withdrawn");
                }
                default -> throw new ExtensionException(ExtensionException.BAD_REQUEST,
                        "send <versions guid=\"...\"/>, <publish message=\"...\" name=\"...\" upload=\"...\"/> or <withdraw message=\"...\" name=\"...\"/>");
            };
        } catch (Refused e) {
            throw new ExtensionException(AttachmentLibrary.NOT_AUTHORIZED.equals(e.code) ? ExtensionException.NOT_AUTHORIZED
                    : ExtensionException.BAD_REQUEST, e.getMessage());
        } catch (IOException e) {
            throw new ExtensionException(ExtensionException.EXTENSION_FAILED, "cannot change the attachment now: " + e.getMessage());
        }
    }

    private Element versions(String guid, ProcessingEnvironment env) throws Refused {
        Element answer = PluginXml.answer("versions");
        Kept kept;
        try {
            kept = library.forReader(guid, env.caller());
        } catch (Refused e) {
            if (AttachmentLibrary.WITHDRAWN.equals(e.code)) {
                answer.setAttribute("withdrawn", "true");
                return answer;
            }
            throw e;
        }
        answer.setAttribute("withdrawn", "false");
        for (Version version : kept.versions()) {
            describe(PluginXml.add(answer, "version"), version);
        }
        return answer;
    }

    private static void describe(Element element, Version version) {
        element.setAttribute("number", String.valueOf(version.number()));
        element.setAttribute("name", version.name());
        element.setAttribute("contentType", version.contentType());
        element.setAttribute("size", String.valueOf(version.size()));
        element.setAttribute("sha256", version.sha256());
        element.setAttribute("published", version.published().toString());
    }
}
