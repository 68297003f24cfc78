/**
 * Routed forms (the paper's section 4.2): the {@link org.wsemail.forms.Form} document a message
 * carries, the sign-offs its approvers add ({@link org.wsemail.forms.FormSignatures}), and the
 * third-party verifier that checks them offline ({@link org.wsemail.forms.FormVerifier}).
 */
@Export
@Version("1.0.0")
package org.wsemail.forms;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
