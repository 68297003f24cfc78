package org.wsemail.shell.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.wsemail.api.server.TrustedRoots;

/** What the trust commands share; optional so that the other commands stay available without it. */
public abstract class TrustCommandSupport implements Action {

    @Reference(optional = true)
    TrustedRoots trustedRoots;

    protected TrustedRoots roots() {
        if (trustedRoots == null) {
            throw new IllegalStateException("the server keys are not loaded (feature wsemail-security)");
        }
        return trustedRoots;
    }
}
