package org.wsemail.plugins.instantmessaging;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.wsemail.api.Address;

/**
 * Which clients of which users are running now: each registered with an expiry it renews (a poll
 * renews it too), gone when it unregisters or lets the expiry pass. A client is reached by pushing
 * to its own HTTPS endpoint, if it named one, or by handing the message over when it polls. Kept in
 * memory: a restarted server knows no one until their clients register again. Thread-safe.
 */
final class Presence {

    /** One running client of a user. */
    static final class Client {
        final String id;
        final Address user;
        final PushTarget push;
        final Duration lifetime;
        private volatile Instant expires;
        private final LinkedBlockingQueue<Handoff> waiting = new LinkedBlockingQueue<>();

        Client(String id, Address user, PushTarget push, Duration lifetime, Instant now) {
            this.id = id;
            this.user = user;
            this.push = push;
            this.lifetime = lifetime;
            this.expires = now.plus(lifetime);
        }

        Instant expires() {
            return expires;
        }

        void renew(Instant now) {
            expires = now.plus(lifetime);
        }

        /** Lets go of the connection kept to the client's endpoint. */
        void close() {
            if (push != null) {
                push.close();
            }
        }

        /**
         * Offers a message to the client's next poll and waits up to {@code wait} for it to be
         * taken. True if the client took it; false if not, and then it never will.
         */
        boolean handOver(String signedXml, Duration wait) throws InterruptedException {
            Handoff handoff = new Handoff(signedXml);
            waiting.add(handoff);
            if (handoff.awaitTaken(wait)) {
                return true;
            }
            waiting.remove(handoff);
            return false;
        }

        /**
         * The messages handed over to this client: waits up to {@code wait} for the first, then takes
         * whatever else is waiting too.
         */
        List<String> take(Duration wait) throws InterruptedException {
            List<String> taken = new ArrayList<>();
            Handoff first = waiting.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
            while (first != null) {
                if (first.take()) {
                    taken.add(first.signedXml);
                }
                first = waiting.poll();
            }
            return taken;
        }
    }

    /** A message offered to a polling client: taken by the poll, or withdrawn by the deliverer, never both. */
    private static final class Handoff {
        final String signedXml;
        private boolean decided;
        private boolean taken;

        Handoff(String signedXml) {
            this.signedXml = signedXml;
        }

        synchronized boolean take() {
            if (decided) {
                return false;
            }
            decided = true;
            taken = true;
            notifyAll();
            return true;
        }

        synchronized boolean awaitTaken(Duration wait) throws InterruptedException {
            long deadline = System.nanoTime() + wait.toNanos();
            while (!decided) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    decided = true;
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return taken;
        }
    }

    private final Clock clock;
    private final int maxPerUser;
    private final int maxClients;
    private final Map<String, Client> clients = new ConcurrentHashMap<>();

    Presence(Clock clock, int maxPerUser, int maxClients) {
        this.clock = clock;
        this.maxPerUser = maxPerUser;
        this.maxClients = maxClients;
    }

    /**
     * Registers a client of {@code user}, or renews one it registered before.
     *
     * @throws IllegalStateException if the user (or the server) has as many clients as allowed
     */
    synchronized Client register(Address user, String renewing, PushTarget push, Duration lifetime) {
        Instant now = clock.instant();
        dropExpired(now);
        if (renewing != null) {
            Client known = clients.get(renewing);
            if (known != null && known.user.equals(user)) {
                known.renew(now);
                return known;
            }
        }
        if (of(user).size() >= maxPerUser) {
            throw new IllegalStateException(user + " has " + maxPerUser + " clients registered already; unregister one first");
        }
        if (clients.size() >= maxClients) {
            throw new IllegalStateException("this server has as many clients registered as it keeps (" + maxClients + ")");
        }
        Client client = new Client(UUID.randomUUID().toString(), user, push, lifetime, now);
        clients.put(client.id, client);
        return client;
    }

    /** The user's client with this id, if it is registered and current. */
    Client client(Address user, String id) {
        Client client = id == null ? null : clients.get(id);
        if (client == null || !client.user.equals(user) || !clock.instant().isBefore(client.expires())) {
            return null;
        }
        return client;
    }

    boolean unregister(Address user, String id) {
        Client client = clients.get(id);
        if (client != null && client.user.equals(user) && clients.remove(id, client)) {
            client.close();
            return true;
        }
        return false;
    }

    /** Forgets every client, closing their connections. */
    void clear() {
        clients.values().forEach(Client::close);
        clients.clear();
    }

    /** The user's current clients. */
    List<Client> of(Address user) {
        Instant now = clock.instant();
        return clients.values().stream().filter(c -> c.user.equals(user) && now.isBefore(c.expires())).toList();
    }

    int size() {
        return clients.size();
    }

    private void dropExpired(Instant now) {
        clients.values().removeIf(c -> {
            boolean expired = !now.isBefore(c.expires());
            if (expired) {
                c.close();
            }
            return expired;
        });
    }
}
