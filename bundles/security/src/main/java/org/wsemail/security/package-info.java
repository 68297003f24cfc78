/**
 * Certificates for WSEmail servers, built with BouncyCastle: a domain's certificate authority, server
 * certificates that name a mail domain, and PKCS#12 key and trust stores holding them. Used by the
 * server's demo setup, by administrators' tools and by tests that stand up several domains.
 */
@Export
@Version("1.1.0")
package org.wsemail.security;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
