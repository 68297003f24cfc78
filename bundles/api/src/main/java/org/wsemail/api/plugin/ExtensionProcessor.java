package org.wsemail.api.plugin;

import org.osgi.annotation.versioning.ConsumerType;
import org.w3c.dom.Element;
import org.wsemail.api.ProcessingEnvironment;

/**
 * An RPC-like plug-in: the server routes each Extension request whose identifier matches this
 * service's {@link WsemailExtension#id() wsemail.extension.id} property to it. The request is free
 * XML; so is the response.
 *
 * <p>Called concurrently, after the server has authenticated the caller; see the package
 * documentation for lifecycle. When several processors claim one identifier, the one first in
 * order serves it.
 */
@ConsumerType
public interface ExtensionProcessor {

    /**
     * Answers one request.
     *
     * @param request the request's argument element; read-only
     * @param env the authenticated caller, its tokens and the raw SOAP envelope
     * @return the response element, in a document the processor owns
     * @throws ExtensionException to answer with a fault the caller sees (code and message)
     * @throws Exception on failure: logged and counted; the caller gets a generic fault
     */
    Element handle(Element request, ProcessingEnvironment env) throws Exception;
}
