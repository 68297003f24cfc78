/**
 * The client plug-in SPI: what a form's code offers the client that shows, fills in and checks it.
 * A client plug-in is an OSGi bundle, signed by a domain the user trusts, that registers one {@link
 * org.wsemail.forms.spi.FormType} service per form (Declarative Services, as server plug-ins do).
 * The client runs it in an OSGi framework of its own, fetched the first time a message carries a
 * form the client has no code for, after the user agreed.
 *
 * <p>A form's data is a list of named text fields, the same for every form type, so that servers'
 * routing rules and third-party verifiers read any form without its code; a plug-in decides which
 * fields there are, computes the derived ones, checks them and shows them.
 */
@Export
@Version("1.0.0")
package org.wsemail.forms.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
