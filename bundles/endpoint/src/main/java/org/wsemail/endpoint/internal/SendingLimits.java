package org.wsemail.endpoint.internal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

import org.wsemail.api.Address;

/**
 * What one sender may send, so that one request cannot become gigabytes of mail: recipients per
 * message, and per sliding hour the recipients reached and the volume sent (a message's size times
 * its recipients). Visitors, who come with another domain's token, get limits of their own,
 * usually smaller. A send reserves its share before the sending plug-ins run and gives it back if
 * it is not accepted. Thread-safe; remembers at most so many senders, the least recent forgotten.
 */
final class SendingLimits {
    private static final Duration WINDOW = Duration.ofHours(1);
    private static final int TRACKED = 100_000;

    /** One kind of sender's limits; 0 for any of them: no limit. */
    record Limits(int recipientsPerMessage, int recipientsPerHour, long bytesPerHour) {
        static Limits forUsers(EndpointSettings settings) {
            return new Limits(settings.max_recipients(), settings.hourly_recipients(), settings.hourly_mib() << 20);
        }

        static Limits forVisitors(EndpointSettings settings) {
            return new Limits(settings.visitor_max_recipients(), settings.visitor_hourly_recipients(),
                    settings.visitor_hourly_mib() << 20);
        }
    }

    /** A send's share of its sender's hour, to give back if the send is not accepted. */
    record Reservation(Address sender, long at, int recipients, long bytes) {
    }

    private record Sent(long at, int recipients, long bytes) {
    }

    private final Limits users;
    private final Limits visitors;
    private final LongSupplier millis;
    private final Map<Address, Deque<Sent>> hours = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Address, Deque<Sent>> eldest) {
            return size() > TRACKED;
        }
    };

    SendingLimits(EndpointSettings settings) {
        this(Limits.forUsers(settings), Limits.forVisitors(settings), System::currentTimeMillis);
    }

    SendingLimits(Limits users, Limits visitors, LongSupplier millis) {
        this.users = users;
        this.visitors = visitors;
        this.millis = millis;
    }

    /** Thrown when a send would exceed a limit; its message says which, for the sender. */
    static final class Exceeded extends Exception {
        private static final long serialVersionUID = 1L;

        Exceeded(String message) {
            super(message);
        }
    }

    /**
     * Reserves a send of {@code bytes} to {@code recipients} recipients within its sender's limits.
     *
     * @throws Exceeded if it would exceed one; nothing is reserved then
     */
    synchronized Reservation reserve(Address sender, boolean visitor, int recipients, long bytes) throws Exceeded {
        Limits limits = visitor ? visitors : users;
        String who = visitor ? "a visitor" : "a user";
        if (limits.recipientsPerMessage() > 0 && recipients > limits.recipientsPerMessage()) {
            throw new Exceeded("the message has " + recipients + " recipients; " + who + " may send to at most "
                    + limits.recipientsPerMessage() + " at once");
        }
        long now = millis.getAsLong();
        Deque<Sent> hour = hours.computeIfAbsent(sender, s -> new ArrayDeque<>());
        while (!hour.isEmpty() && now - hour.peekFirst().at() >= WINDOW.toMillis()) {
            hour.removeFirst();
        }
        long sentTo = hour.stream().mapToLong(Sent::recipients).sum();
        long sentBytes = hour.stream().mapToLong(Sent::bytes).sum();
        long volume = bytes * recipients;
        if (limits.recipientsPerHour() > 0 && sentTo + recipients > limits.recipientsPerHour()) {
            throw new Exceeded("sending this would make " + (sentTo + recipients) + " recipients within an hour; "
                    + who + " may reach at most " + limits.recipientsPerHour() + " an hour; try again later");
        }
        if (limits.bytesPerHour() > 0 && sentBytes + volume > limits.bytesPerHour()) {
            throw new Exceeded("sending this (" + amount(volume) + ": its size times its recipients) would make "
                    + amount(sentBytes + volume) + " within an hour; " + who + " may send at most "
                    + amount(limits.bytesPerHour()) + " an hour; try again later");
        }
        hour.addLast(new Sent(now, recipients, volume));
        return new Reservation(sender, now, recipients, volume);
    }

    /** Gives a reservation back: its send was not accepted. */
    synchronized void release(Reservation reservation) {
        Deque<Sent> hour = hours.get(reservation.sender());
        if (hour != null) {
            hour.removeFirstOccurrence(new Sent(reservation.at(), reservation.recipients(), reservation.bytes()));
        }
    }

    private static String amount(long bytes) {
        return bytes < 1 << 20
                ? String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0)
                : String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
