package io.github.imagepullwebhook.testing;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Waiting in tests, bounded. Time that must pass is moved by the test ({@code ManualTimers},
 * {@code TestClock}); what is waited for here is something another thread, process or
 * connection will do: a result, a server that starts, a connection that closes.
 */
public final class Await {

    /** Between two looks at a condition: short, so that a test goes on as soon as it holds. */
    private static final long POLL_MILLIS = 10;

    /** A condition that may throw while it does not hold yet (a refused connection, a failed handshake). */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    private Await() {
    }

    public static <T> T result(CompletionStage<T> stage) throws Exception {
        try {
            return stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /**
     * Returns once {@code condition} holds; fails, saying {@code whatWeWaitedFor} and the last
     * exception the condition threw, if it does not within {@code limit}.
     */
    public static void until(Duration limit, Condition condition, Supplier<String> whatWeWaitedFor) {
        long deadline = System.nanoTime() + limit.toNanos();
        Exception last = null;
        while (true) {
            try {
                if (condition.holds()) {
                    return;
                }
            } catch (Exception notYet) {
                last = notYet;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("waited " + limit.toMillis() + " ms for " + whatWeWaitedFor.get(), last);
            }
            park();
        }
    }

    private static void park() {
        try {
            Thread.sleep(POLL_MILLIS); // the only pause in the tests: between two looks at a condition
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting", e);
        }
    }
}
