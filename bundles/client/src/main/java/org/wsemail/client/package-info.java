/**
 * The WSEmail client: {@link org.wsemail.client.WsemailClient} talks to a user's own server (send,
 * list, read with the sending server's signature checked, delete); {@link org.wsemail.client.Main}
 * is the {@code wsemail} command built on it.
 */
@Export
@Version("1.2.0")
package org.wsemail.client;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
