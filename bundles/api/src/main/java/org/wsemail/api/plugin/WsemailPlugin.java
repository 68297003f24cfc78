package org.wsemail.api.plugin;

import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Names a plug-in service. Put it on a Declarative Services component to set the
 * {@value #NAME} service property:
 *
 * <pre>{@code
 * @Component(service = SendingProcessor.class)
 * @WsemailPlugin(name = "size-limit")
 * public class SizeLimit implements SendingProcessor { ... }
 * }</pre>
 *
 * The name is how administrators refer to the plug-in ({@code wsemail:plugin-priority size-limit 50})
 * and the key under which its priority override and enabled state are kept, so it must stay stable
 * across versions. A plug-in without it is named by its {@code component.name}.
 */
@ComponentPropertyType
public @interface WsemailPlugin {
    /** Prefix of the property names. */
    String PREFIX_ = "wsemail.plugin.";

    /** Service property {@code wsemail.plugin.name}, a {@link String}: the plug-in's stable name. */
    String NAME = "wsemail.plugin.name";

    /** The plug-in's stable name: lower-case words joined by hyphens, e.g. {@code vacation}. */
    String name();
}
