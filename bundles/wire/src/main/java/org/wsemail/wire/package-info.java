/**
 * The WSEmail wire format: {@link org.wsemail.wire.MessageCodec} converts between the message model
 * and the XML of the contract ({@code wsdl/wsemail.xsd}); {@link org.wsemail.wire.FaultCodes} names
 * the faults. The JAX-WS interfaces and JAXB types generated from the WSDL are in {@code
 * org.wsemail.wire.soap}.
 */
@Export
@Version("1.1.0")
package org.wsemail.wire;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
