/**
 * The server plug-in SPI. A plug-in is an OSGi service (whiteboard pattern) registered under one or
 * more of {@link org.wsemail.api.plugin.SendingProcessor}, {@link
 * org.wsemail.api.plugin.DeliveryProcessor} and {@link org.wsemail.api.plugin.ExtensionProcessor};
 * one service registered under several of them is a composite plug-in and shares its state across
 * the stages it serves.
 *
 * <p>A plug-in asks the server for what it needs through the {@link
 * org.wsemail.api.plugin.MailContext}: to send a message, answer or bounce one, learn the domain and
 * whether an address is local, and keep its own state in a {@link
 * org.wsemail.api.plugin.PluginStore}. {@link org.wsemail.api.plugin.PluginXml} builds extension
 * answers. A plug-in needs nothing of the server beyond this package and the message model in
 * {@code org.wsemail.api}.
 *
 * <p>Lifecycle, for every processor: the service is constructed and activated once by its bundle
 * (Declarative Services), then called concurrently from many server threads for as long as it is
 * registered, then deactivated once. Calls that are in flight when it is unregistered may still
 * complete. A processor therefore keeps no per-message state in fields and guards whatever shared
 * state it has.
 *
 * <p>Order within a stage: an administrator's priority override, else {@code service.ranking}
 * (an {@link Integer}); higher runs first. A processor that throws, returns {@code null} or runs
 * past the server's time limit is isolated: the server logs and counts the failure and carries on
 * with the message as it was before that call.
 */
@Export
@Version("1.3.0")
package org.wsemail.api.plugin;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
