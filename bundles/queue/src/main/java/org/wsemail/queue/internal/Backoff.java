package org.wsemail.queue.internal;

import java.time.Duration;

/**
 * When to try a failed delivery again, in the manner of Postfix: the first retry after a few
 * minutes, each later one after twice the previous wait, never more than a cap.
 */
record Backoff(Duration first, Duration max) {

    /** The wait after the given number of failed attempts (1 for the first failure). */
    Duration after(int failedAttempts) {
        Duration wait = first;
        for (int i = 1; i < failedAttempts && wait.compareTo(max) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(max) > 0 ? max : wait;
    }
}
