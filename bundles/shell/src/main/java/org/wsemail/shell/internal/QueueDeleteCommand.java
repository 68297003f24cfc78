package org.wsemail.shell.internal;

import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "wsemail", name = "queue-delete",
        description = "Drops queued messages without delivering or bouncing them")
@Service
public class QueueDeleteCommand extends QueueCommandSupport {

    @Argument(index = 0, name = "ids", description = "Queue entry ids (wsemail:queue-list shows them)", required = true, multiValued = true)
    List<Long> ids;

    @Override
    public Object execute() {
        for (long id : ids) {
            if (!queue().delete(id)) {
                throw new IllegalArgumentException("no queue entry " + id);
            }
            System.out.println("Queue entry " + id + " dropped");
        }
        return null;
    }
}
