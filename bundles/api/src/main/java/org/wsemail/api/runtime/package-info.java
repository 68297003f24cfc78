/**
 * The server's plug-in runtime as other bundles see it: the {@link
 * org.wsemail.api.runtime.MessagePipeline} that carries messages through the plug-in chains, the
 * {@link org.wsemail.api.runtime.PluginAdmin} that orders, enables and disables them, the {@link
 * org.wsemail.api.runtime.PluginDeployer} that installs and removes plug-in bundles, and immutable
 * DTOs describing what is running. Implemented by the server core; the shell commands and the
 * endpoints use it.
 */
@Export
@Version("1.2.0")
package org.wsemail.api.runtime;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
