/**
 * The WSEmail contract as code: the SOAP services' JAX-WS interfaces and JAXB types are generated
 * from the WSDL and schema in {@code wsdl/} into {@code org.wsemail.wire.soap}; {@link
 * org.wsemail.wire.MessageCodec} converts between the message model and the contract's XML (the
 * {@code message} element that is signed, stored and relayed); {@link org.wsemail.wire.FaultCodes}
 * names the faults; {@link org.wsemail.wire.WireCounter} and {@link
 * org.wsemail.wire.TransportErrors} measure and explain what crossed, or failed to cross, the wire.
 *
 * <p>The XML security that server and client share is beside it, in {@code org.wsemail.wire.security}.
 */
@Export
@Version("2.0.0")
package org.wsemail.wire;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
