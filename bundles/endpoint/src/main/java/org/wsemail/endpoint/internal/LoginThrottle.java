package org.wsemail.endpoint.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slows down password guessing, per user name and per client address. After a few free failures
 * each further failure makes the name (or the address) wait before its next attempt, twice as
 * long each time; after many failures it is locked out for a while. An address is allowed more
 * failures than a name, since many users may share one (behind a NAT), and a guesser who sprays
 * many names from one address is stopped by it. Waiting is enforced by
 * refusing early attempts outright, before any password is hashed, so a guesser ties up no thread
 * and no CPU. A successful login clears the name's and the address's record. Both tables hold at
 * most so many entries, the least recently failed forgotten first. Thread-safe.
 */
final class LoginThrottle {
    private static final Logger LOG = LoggerFactory.getLogger(LoginThrottle.class);
    private static final long FIRST_DELAY_MILLIS = 500;

    /** The limits of one table, names or addresses. */
    record Limits(int freeFailures, int lockoutFailures, Duration lockout, int tracked) {
        static Limits forUsers(EndpointSettings settings) {
            return new Limits(settings.login_free_failures(), settings.login_lockout_failures(),
                    Duration.ofMinutes(settings.login_lockout_minutes()), settings.login_tracked());
        }

        static Limits forAddresses(EndpointSettings settings) {
            return new Limits(settings.login_address_free_failures(), settings.login_address_lockout_failures(),
                    Duration.ofMinutes(settings.login_lockout_minutes()), settings.login_tracked());
        }
    }

    private final LongSupplier millis;
    private final Failures users;
    private final Failures addresses;

    LoginThrottle(EndpointSettings settings) {
        this(Limits.forUsers(settings), Limits.forAddresses(settings), System::currentTimeMillis);
    }

    LoginThrottle(Limits users, Limits addresses, LongSupplier millis) {
        this.millis = millis;
        this.users = new Failures(users);
        this.addresses = new Failures(addresses);
    }

    /**
     * Why an attempt for this user from this address must be refused without checking its
     * password, or null if it may be checked.
     */
    String refusal(String user, String address) {
        long now = millis.getAsLong();
        String byUser = users.refusal(user, now);
        if (byUser != null) {
            return "user " + byUser;
        }
        String byAddress = addresses.refusal(address, now);
        return byAddress == null ? null : "client address " + byAddress;
    }

    /** A wrong password (or unknown user) for this user (null: not a user name at all) from this address. */
    void failed(String user, String address) {
        long now = millis.getAsLong();
        if (user != null) {
            record("user " + user, users.fail(user, now));
        }
        record("client address " + address, addresses.fail(address, now));
    }

    /** The user logged in: their record and the address's are cleared. */
    void succeeded(String user, String address) {
        users.clear(user);
        addresses.clear(address);
    }

    private void record(String who, Failure failure) {
        if (failure.lockedOut()) {
            LOG.warn("Logins locked out for {} after {} failed attempts, until {}",
                    who, failure.count(), Instant.ofEpochMilli(failure.notBefore()));
        } else if (failure.notBefore() > 0) {
            LOG.info("Logins delayed for {} after {} failed attempts: next attempt accepted in {} ms",
                    who, failure.count(), failure.notBefore() - millis.getAsLong());
        }
    }

    /** One name's or address's failures: how many, and when the next attempt is accepted. */
    private record Failure(int count, long notBefore, boolean lockedOut) {
    }

    /** Failures by key, least recently failed forgotten first beyond the most tracked. */
    private static final class Failures {
        private final Limits limits;
        private final Map<String, Failure> byKey;

        Failures(Limits limits) {
            this.limits = limits;
            this.byKey = new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Failure> eldest) {
                    return size() > limits.tracked();
                }
            };
        }

        synchronized String refusal(String key, long now) {
            Failure failure = byKey.get(key);
            if (failure == null || failure.notBefore() <= now) {
                return null;
            }
            long seconds = Math.max(1, (failure.notBefore() - now + 999) / 1000);
            return failure.lockedOut()
                    ? "locked out after " + failure.count() + " failed logins; try again in " + seconds + " s"
                    : "must wait " + seconds + " s after " + failure.count() + " failed logins";
        }

        synchronized Failure fail(String key, long now) {
            Failure earlier = byKey.get(key);
            int count = earlier == null ? 1 : earlier.count() + 1;
            Failure failure;
            if (count >= limits.lockoutFailures()) {
                failure = new Failure(count, now + limits.lockout().toMillis(), true);
            } else if (count > limits.freeFailures()) {
                int doublings = Math.min(count - limits.freeFailures() - 1, 16);
                long delay = Math.min(FIRST_DELAY_MILLIS << doublings, limits.lockout().toMillis());
                failure = new Failure(count, now + delay, false);
            } else {
                failure = new Failure(count, 0, false);
            }
            byKey.put(key, failure);
            return failure;
        }

        synchronized void clear(String key) {
            byKey.remove(key);
        }
    }
}
