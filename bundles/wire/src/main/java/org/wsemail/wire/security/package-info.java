/**
 * The XML security that the server and the client share, on top of the contract: {@link
 * org.wsemail.wire.security.MessageSignatures} signs and checks the server signature on a message
 * (XMLDSIG, one accepted shape); {@link org.wsemail.wire.security.ResponseSignatures} signs every
 * answer and checks that an answer is signed by the expected domain's server; {@link
 * org.wsemail.wire.security.SignedBodyAndTimestamp} is the coverage rule for signed requests;
 * {@link org.wsemail.wire.security.DomainTls} accepts a TLS peer only if its certificate names the
 * expected mail domain; {@link org.wsemail.wire.security.EncryptedDelivery} encrypts a relayed
 * message to the receiving server; {@link org.wsemail.wire.security.WsCryptos} and {@link
 * org.wsemail.wire.security.AltNameIdentified} are WSS4J's view of the trusted roots; {@link
 * org.wsemail.wire.security.PassedChains} remembers the certificate chains that passed, so that a
 * server's chain is not validated again at every message or answer it signs; {@link
 * org.wsemail.wire.security.HeldCertificates} lets a reader's server name a signing certificate the
 * reader holds by its digest instead of sending it again.
 */
@Export
@Version("2.0.0")
package org.wsemail.wire.security;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
