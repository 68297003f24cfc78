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
 * it is not accepted. A check costs the same however many sends a sender's hour holds: its sums
 * are kept as sends come and go. Thread-safe; remembers at most so many senders, the least recent
 * forgotten.
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

    /** A sender's sends of the last hour, oldest first, with their sums kept as sends come and go. */
    private static final class Hour {
        private final Deque<Sent> sends = new ArrayDeque<>();
        private long recipients;
        private long bytes;

        /** Forgets the sends an hour old or older at {@code now}. */
        void expire(long now) {
            while (!sends.isEmpty() && now - sends.peekFirst().at() >= WINDOW.toMillis()) {
                forget(sends.removeFirst());
            }
        }

        void add(Sent sent) {
            sends.addLast(sent);
            recipients += sent.recipients();
            bytes += sent.bytes();
        }

        void remove(Sent sent) {
            if (sends.removeFirstOccurrence(sent)) {
                forget(sent);
            }
        }

        private void forget(Sent sent) {
            recipients -= sent.recipients();
            bytes -= sent.bytes();
        }
    }

    private final Limits users;
    private final Limits visitors;
    private final LongSupplier millis;
    private final Map<Address, Hour> hours = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Address, Hour> eldest) {
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
        Hour hour = hours.computeIfAbsent(sender, s -> new Hour());
        hour.expire(now);
        long sentTo = hour.recipients;
        long sentBytes = hour.bytes;
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
        hour.add(new Sent(now, recipients, volume));
        return new Reservation(sender, now, recipients, volume);
    }

    /** Gives a reservation back: its send was not accepted. */
    synchronized void release(Reservation reservation) {
        Hour hour = hours.get(reservation.sender());
        if (hour != null) {
            hour.remove(new Sent(reservation.at(), reservation.recipients(), reservation.bytes()));
        }
    }

    private static String amount(long bytes) {
        return bytes < 1 << 20
                ? String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0)
                : String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
