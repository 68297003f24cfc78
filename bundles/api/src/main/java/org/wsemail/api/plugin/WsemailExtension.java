package org.wsemail.api.plugin;

import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Binds an {@link ExtensionProcessor} to the extension identifier clients call it by, as the
 * {@value #ID} service property.
 */
@ComponentPropertyType
public @interface WsemailExtension {
    /** Prefix of the property names. */
    String PREFIX_ = "wsemail.extension.";

    /** Service property {@code wsemail.extension.id}, a {@link String}: the identifier requests name. */
    String ID = "wsemail.extension.id";

    /** The identifier, e.g. {@code InstantMessaging}. */
    String id();
}
