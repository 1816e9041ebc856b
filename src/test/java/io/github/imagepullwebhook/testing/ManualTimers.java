package io.github.imagepullwebhook.testing;

import io.github.imagepullwebhook.server.Timers;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The server's timers, standing still until a test moves them. {@link #advance} runs every
 * action that falls due, in the order they fall due, each on the Vert.x context that scheduled
 * it (an event loop, as {@code vertx.setTimer} would), and returns once each has run; actions
 * scheduled meanwhile run too if they fall due within the advance.
 */
public final class ManualTimers implements Timers {

    private record Pending(long id, long dueMillis, Context context, Runnable action) {
    }

    private static final Comparator<Pending> DUE_ORDER =
            Comparator.comparingLong(Pending::dueMillis).thenComparingLong(Pending::id);

    private final Vertx vertx;
    private final Map<Long, Pending> pending = new HashMap<>();
    private long nowMillis;
    private long nextId;

    public ManualTimers(Vertx vertx) {
        this.vertx = vertx;
    }

    @Override
    public synchronized long schedule(long delayMillis, Runnable action) {
        long id = nextId++;
        pending.put(id, new Pending(id, nowMillis + delayMillis, vertx.getOrCreateContext(), action));
        return id;
    }

    @Override
    public synchronized void cancel(long id) {
        pending.remove(id);
    }

    /**
     * How many actions were ever scheduled: a test that saw this grow knows the server has set a
     * deadline (for a connection it opened, say) before it moves time past it.
     */
    public synchronized long scheduled() {
        return nextId;
    }

    /** Moves time by {@code by}, running what falls due. Never call from an event loop: it waits for them. */
    public void advance(Duration by) {
        long until;
        synchronized (this) {
            until = nowMillis + by.toMillis();
        }
        for (Pending due = nextDue(until); due != null; due = nextDue(until)) {
            run(due);
        }
    }

    /** The first action due by {@code until}, taken off the list with time moved to it; null when none is. */
    private synchronized Pending nextDue(long until) {
        Pending first = pending.values().stream().filter(p -> p.dueMillis() <= until).min(DUE_ORDER).orElse(null);
        if (first == null) {
            nowMillis = until;
            return null;
        }
        pending.remove(first.id());
        nowMillis = first.dueMillis();
        return first;
    }

    private static void run(Pending due) {
        Promise<Void> ran = Promise.promise();
        due.context().runOnContext(v -> {
            try {
                due.action().run();
                ran.complete();
            } catch (RuntimeException e) {
                ran.fail(e);
            }
        });
        try {
            ran.future().await(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("timer action " + due.id() + " failed or did not run", e);
        }
    }
}
