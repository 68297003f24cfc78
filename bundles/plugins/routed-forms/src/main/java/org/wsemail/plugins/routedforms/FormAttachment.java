package org.wsemail.plugins.routedforms;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.wsemail.api.Attachment;
import org.wsemail.api.MailMessage;
import org.wsemail.forms.Form;

/** The form a message carries as its {@value Form#FILE_NAME} attachment, read and written back. */
final class FormAttachment {

    private FormAttachment() {
    }

    /**
     * The message's form, if it carries one.
     *
     * @throws IllegalArgumentException if the attachment is not a well-formed form
     */
    static Optional<Form> of(MailMessage message) {
        for (Attachment attachment : message.attachments()) {
            if (isForm(attachment)) {
                return Optional.of(Form.parse(attachment.content()));
            }
        }
        return Optional.empty();
    }

    /** The message with its form replaced by {@code form} as it is now. */
    static MailMessage with(MailMessage message, Form form) {
        List<Attachment> attachments = new ArrayList<>();
        for (Attachment attachment : message.attachments()) {
            attachments.add(isForm(attachment) ? new Attachment(Form.FILE_NAME, Form.CONTENT_TYPE, form.toBytes()) : attachment);
        }
        return message.toBuilder().attachments(attachments).build();
    }

    private static boolean isForm(Attachment attachment) {
        return Form.FILE_NAME.equals(attachment.name()) && Form.CONTENT_TYPE.equals(attachment.contentType())
                && attachment.onDemand().isEmpty();
    }
}
