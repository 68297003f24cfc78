package org.wsemail.plugins.partyline;

import java.io.BufferedWriter;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.wsemail.api.Address;

/**
 * One party line: who is invited, until when, and who is connected now. Every line a member sends
 * goes to all the others; joins and leaves are announced. Nothing said is kept. Thread-safe.
 */
final class Channel {
    final String id;
    final Address host;
    final Set<Address> invited;
    final Instant expires;
    private final Map<Address, BufferedWriter> connected = new LinkedHashMap<>();
    private boolean joinedOnce;
    private boolean closed;

    Channel(String id, Address host, Set<Address> invited, Instant expires) {
        this.id = id;
        this.host = host;
        this.invited = Set.copyOf(invited);
        this.expires = expires;
    }

    /**
     * Adds a connected member and tells everyone.
     *
     * @return why the member may not join, or null if they joined
     */
    synchronized String join(Address member, BufferedWriter out, Instant now) {
        if (closed || !now.isBefore(expires)) {
            return "the channel " + id + " is closed";
        }
        if (!invited.contains(member)) {
            return member + " is not invited to channel " + id;
        }
        if (connected.containsKey(member)) {
            return member + " is connected to channel " + id + " already";
        }
        connected.put(member, out);
        joinedOnce = true;
        send(out, "WELCOME " + id + " members: " + String.join(", ", connected.keySet().stream().map(Address::toString).toList()));
        broadcast(member, "* " + member + " joined");
        return null;
    }

    /** Relays a line a member said to the others. */
    synchronized void say(Address member, String line) {
        if (connected.containsKey(member)) {
            broadcast(member, member + ": " + line);
        }
    }

    /** Takes a member off, tells the others; true if the channel is now empty after having had members. */
    synchronized boolean leave(Address member) {
        if (connected.remove(member) != null) {
            broadcast(member, "* " + member + " left");
        }
        return joinedOnce && connected.isEmpty();
    }

    /** Closes the channel: tells and drops everyone connected. */
    synchronized List<BufferedWriter> close(String why) {
        closed = true;
        for (BufferedWriter out : connected.values()) {
            send(out, "* " + why);
        }
        List<BufferedWriter> dropped = List.copyOf(connected.values());
        connected.clear();
        return dropped;
    }

    synchronized boolean isClosed() {
        return closed;
    }

    synchronized List<Address> members() {
        return List.copyOf(connected.keySet());
    }

    private void broadcast(Address from, String line) {
        connected.forEach((member, out) -> {
            if (!member.equals(from)) {
                send(out, line);
            }
        });
    }

    private static void send(BufferedWriter out, String line) {
        try {
            out.write(line);
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            // The member's connection is gone; its reader notices and makes it leave.
        }
    }
}
