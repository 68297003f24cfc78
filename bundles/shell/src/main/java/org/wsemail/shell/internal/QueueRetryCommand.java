package org.wsemail.shell.internal;

import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "wsemail", name = "queue-retry", description = "Tries queued messages again now instead of waiting")
@Service
public class QueueRetryCommand extends QueueCommandSupport {

    @Argument(index = 0, name = "ids", description = "Queue entry ids (wsemail:queue-list shows them)", required = true, multiValued = true)
    List<Long> ids;

    @Override
    public Object execute() {
        for (long id : ids) {
            if (!queue().retryNow(id)) {
                throw new IllegalArgumentException("no queue entry " + id);
            }
            System.out.println("Queue entry " + id + " will be tried now");
        }
        return null;
    }
}
