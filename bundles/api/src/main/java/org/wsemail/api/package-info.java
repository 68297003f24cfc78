/**
 * The WSEmail message model shared by the server, its plug-ins and its clients: a {@link
 * org.wsemail.api.MailMessage} with its {@link org.wsemail.api.Address addresses}, {@link
 * org.wsemail.api.MessageFlag flags} and {@link org.wsemail.api.Attachment attachments}, and the
 * {@link org.wsemail.api.ProcessingEnvironment} that tells a plug-in who is calling and how they
 * authenticated.
 *
 * <p>Every type here is an immutable value: safe to share between threads and between plug-ins.
 */
@Export
@Version("1.2.0")
package org.wsemail.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
