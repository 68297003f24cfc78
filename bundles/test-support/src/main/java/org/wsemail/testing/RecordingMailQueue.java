package org.wsemail.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.wsemail.api.MailMessage;
import org.wsemail.api.server.DeliveryResult;
import org.wsemail.api.server.MailQueue;
import org.wsemail.api.server.QueueEntry;
import org.wsemail.api.server.SignedMail;

/** A queue that only records what it is given: messages submitted or queued, and bounces asked for. */
public final class RecordingMailQueue implements MailQueue {
    private final List<MailMessage> queued = new CopyOnWriteArrayList<>();
    private final List<Bounce> bounces = new CopyOnWriteArrayList<>();

    /** A bounce asked for. */
    public record Bounce(MailMessage original, List<DeliveryResult> failures) {
    }

    /** The messages submitted or queued so far, oldest first. */
    public List<MailMessage> queued() {
        return List.copyOf(queued);
    }

    /** The bounces asked for so far, oldest first. */
    public List<Bounce> bounces() {
        return List.copyOf(bounces);
    }

    @Override
    public List<Long> submit(MailMessage message) {
        queued.add(message);
        return List.of((long) queued.size());
    }

    /** Records the message; every recipient's result is that it was stored. */
    @Override
    public List<DeliveryResult> submitNow(MailMessage message) {
        queued.add(message);
        return message.recipients().stream()
                .map(r -> new DeliveryResult(r, DeliveryResult.Status.STORED, "message " + queued.size())).toList();
    }

    @Override
    public List<Long> enqueue(SignedMail mail) {
        return submit(mail.message());
    }

    @Override
    public void bounce(MailMessage original, List<DeliveryResult> failures) {
        bounces.add(new Bounce(original, List.copyOf(failures)));
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
    public int retryAllNow() {
        return 0;
    }

    @Override
    public boolean delete(long entryId) {
        return false;
    }
}
