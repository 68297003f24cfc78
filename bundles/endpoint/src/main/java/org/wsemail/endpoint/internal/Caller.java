package org.wsemail.endpoint.internal;

import java.security.cert.X509Certificate;

import org.wsemail.api.Address;
import org.wsemail.api.AuthenticationMethod;
import org.wsemail.api.ProcessingEnvironment;

/**
 * What the request being served tells about its caller, once WS-Security has authenticated it. The
 * services ask this rather than CXF, so that their rules can be tried without a SOAP stack; the
 * server's own is {@link RequestContext#CURRENT}.
 */
interface Caller {

    /** The authenticated user; WS-Security has already refused requests without one. */
    Address user();

    /** The certificate the caller logged in with, or null if they did not log in with one. */
    X509Certificate certificate();

    /** The caller as plug-ins see it: who, how they authenticated, their tokens and the request. */
    ProcessingEnvironment environment(Address caller, AuthenticationMethod method, boolean localUser);

    /** True if the request's body arrived encrypted to this server. */
    boolean arrivedEncrypted();
}
