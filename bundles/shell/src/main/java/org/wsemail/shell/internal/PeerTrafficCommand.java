package org.wsemail.shell.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.wsemail.api.server.PeerTraffic;

@Command(scope = "wsemail", name = "peer-traffic",
        description = "Shows what this server has exchanged with other servers since it started: messages, and the bytes of"
                + " the messages and of the confirmations (the paper's Table 2)")
@Service
public class PeerTrafficCommand implements Action {

    /** Optional, so that the other wsemail commands stay available without the SOAP endpoints. */
    @Reference(optional = true)
    PeerTraffic traffic;

    @Override
    public Object execute() {
        if (traffic == null) {
            throw new IllegalStateException("the SOAP endpoints are not running (feature wsemail-endpoint)");
        }
        PeerTraffic.Figures f = traffic.figures();
        System.out.println("relayed " + f.relayed() + " messages, " + f.relayedBytes() + " bytes, confirmations "
                + f.confirmationBytesReceived() + " bytes; received " + f.delivered() + " messages, " + f.deliveredBytes()
                + " bytes, confirmations " + f.confirmationBytesSent() + " bytes");
        return null;
    }
}
