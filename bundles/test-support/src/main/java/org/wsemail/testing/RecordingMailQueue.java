package org.wsemail.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.wsemail.api.MailMessage;
import org.wsemail.api.server.MailQueue;
import org.wsemail.api.server.QueueEntry;

/** A queue that only records what it is given. */
public final class RecordingMailQueue implements MailQueue {
    private final List<MailMessage> queued = new CopyOnWriteArrayList<>();

    /** The messages queued so far, oldest first. */
    public List<MailMessage> queued() {
        return List.copyOf(queued);
    }

    @Override
    public List<Long> enqueue(MailMessage message, String signedXml) {
        queued.add(message);
        return List.of((long) queued.size());
    }

    @Override
    public List<QueueEntry> entries() {
        return List.of();
    }

    @Override
    public boolean retryNow(long entryId) {
        return false;
    }

    @Override
    public boolean delete(long entryId) {
        return false;
    }
}
