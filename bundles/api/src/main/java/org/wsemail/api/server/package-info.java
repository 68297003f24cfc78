/**
 * The server's component services, after the paper's composite architecture: the Database Manager,
 * the data accessor ({@link org.wsemail.api.server.MailStore}), the Message Queue, the Local MTA and
 * the DNS resolver. Each is an OSGi service provided by its own bundle and may be replaced by
 * another bundle providing the same interface.
 *
 * <p>All implementations are thread-safe and are called concurrently.
 */
@Export
@Version("2.6.0")
package org.wsemail.api.server;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
