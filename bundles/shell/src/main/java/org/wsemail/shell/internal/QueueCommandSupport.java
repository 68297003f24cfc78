package org.wsemail.shell.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.wsemail.api.server.MailQueue;

/** What the queue commands share; the queue is optional so the other commands stay available without it. */
public abstract class QueueCommandSupport implements Action {

    @Reference(optional = true)
    MailQueue mailQueue;

    protected MailQueue queue() {
        if (mailQueue == null) {
            throw new IllegalStateException("the message queue is not running (feature wsemail-queue)");
        }
        return mailQueue;
    }
}
