package org.wsemail.shell.internal;

import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "wsemail", name = "queue-retry", description = "Tries queued messages again now instead of waiting")
@Service
public class QueueRetryCommand extends QueueCommandSupport {

    @Option(name = "--all", description = "Every waiting entry, at once (those being delivered now excepted)")
    boolean all;

    @Argument(index = 0, name = "ids", description = "Queue entry ids (wsemail:queue-list shows them)", multiValued = true)
    List<Long> ids;

    @Override
    public Object execute() {
        boolean someIds = ids != null && !ids.isEmpty();
        if (all == someIds) {
            throw new IllegalArgumentException("name the queue entries to try now, or give --all for every one, not both");
        }
        if (all) {
            System.out.println(queue().retryAllNow() + " queue entries will be tried now");
            return null;
        }
        for (long id : ids) {
            if (!queue().retryNow(id)) {
                throw new IllegalArgumentException("no queue entry " + id);
            }
            System.out.println("Queue entry " + id + " will be tried now");
        }
        return null;
    }
}
