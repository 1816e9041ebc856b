package io.github.imagepullwebhook.server;

import io.vertx.core.Vertx;

/**
 * Where the server's deadlines come from: slow clients' request and idle deadlines, the
 * shutdown delay, the certificate files' checks. As {@link ReviewCallers} takes a {@code Clock}
 * rather than asking the system, the server takes its timers, so that a test can move time
 * instead of waiting for it.
 */
public interface Timers {

    /**
     * Runs {@code action} once, {@code delayMillis} from now, on the Vert.x context that called
     * this (a verticle's event loop), or on a new event-loop context when called from outside
     * Vert.x, as {@code vertx.setTimer} does; returns an id for {@link #cancel}.
     */
    long schedule(long delayMillis, Runnable action);

    /** The action of {@code id} will not run, unless it already has. */
    void cancel(long id);

    /** Vert.x's own timers, as the server runs in production. */
    static Timers of(Vertx vertx) {
        return new Timers() {
            @Override
            public long schedule(long delayMillis, Runnable action) {
                return vertx.setTimer(delayMillis, id -> action.run());
            }

            @Override
            public void cancel(long id) {
                vertx.cancelTimer(id);
            }
        };
    }
}
