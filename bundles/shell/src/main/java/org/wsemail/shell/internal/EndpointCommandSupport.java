package org.wsemail.shell.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.wsemail.api.runtime.RemoteEndpoints;

/**
 * What the commands about the SOAP endpoints share; the remote services are optional so that the
 * other commands stay available without them.
 */
public abstract class EndpointCommandSupport implements Action {

    @Reference(optional = true)
    RemoteEndpoints remoteEndpoints;

    @Option(name = "--no-format", description = "Plain output without table borders, for scripts")
    boolean noFormat;

    protected RemoteEndpoints endpoints() {
        if (remoteEndpoints == null) {
            throw new IllegalStateException("the remote services are not running (feature wsemail-remote-services)");
        }
        return remoteEndpoints;
    }
}
