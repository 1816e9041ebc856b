package io.github.imagepullwebhook.e2e;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;

/**
 * Polls a condition until it holds or a deadline passes: the one way the end-to-end tests wait
 * for the cluster. A poll that throws (an exception or a failed assertion) counts as "not yet";
 * the last failure is reported with the description when the deadline passes.
 */
final class Eventually {

    private static final Duration INTERVAL = Duration.ofMillis(250);

    private Eventually() {
    }

    /** The first non-null, non-false result of {@code poll} within {@code timeout}. */
    static <T> T until(Duration timeout, String description, Callable<T> poll) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Throwable last = null;
        Object lastValue = null;
        while (true) {
            try {
                T value = poll.call();
                if (value != null && !Boolean.FALSE.equals(value)) {
                    return value;
                }
                lastValue = value;
            } catch (Exception | AssertionError e) {
                last = e;
            }
            if (System.nanoTime() - deadline > 0) {
                AssertionError error = new AssertionError("not within " + timeout.toSeconds() + " s: " + description
                        + (last != null ? " (last error: " + last.getMessage() + ")" : " (last: " + lastValue + ")"));
                if (last != null) {
                    error.initCause(last);
                }
                throw error;
            }
            LockSupport.parkNanos(INTERVAL.toNanos());
            if (Thread.interrupted()) {
                throw new AssertionError("interrupted while waiting: " + description);
            }
        }
    }
}
