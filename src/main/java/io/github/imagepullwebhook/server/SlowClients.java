package io.github.imagepullwebhook.server;

import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.util.HashMap;
import java.util.Map;

/**
 * Deadlines for clients that send slowly. The server never blocks a thread on a client, but an
 * open connection still holds memory and a file descriptor, so none may be held open by sending
 * nothing useful:
 * <ul>
 *   <li>a connection must deliver complete request headers within {@code requestTimeout} of
 *       opening, and within {@code idleTimeout} of its last answer — trickling header bytes does
 *       not extend either (the transport's idle timeout only sees that bytes arrive);</li>
 *   <li>a request must deliver its whole body within {@code requestTimeout} of its headers, or
 *       it is answered 408 and, on HTTP/1.x, its connection closed.</li>
 * </ul>
 * One instance per verticle: everything here runs on that verticle's event loop.
 */
final class SlowClients {

    private final Timers timers;
    private final long requestTimeout;
    private final long idleTimeout;
    /** Per open connection: requests in flight, and the timer waiting for the next one (-1 if none). */
    private final Map<HttpConnection, long[]> connections = new HashMap<>();

    SlowClients(Timers timers, long requestTimeout, long idleTimeout) {
        this.timers = timers;
        this.requestTimeout = requestTimeout;
        this.idleTimeout = idleTimeout;
    }

    /** A new connection: its first request's headers are due within the request timeout. */
    void opened(HttpConnection connection) {
        long[] state = {0, -1};
        connections.put(connection, state);
        connection.closeHandler(v -> {
            long[] closed = connections.remove(connection);
            if (closed != null && closed[1] >= 0) {
                timers.cancel(closed[1]);
            }
        });
        awaitRequest(connection, state, requestTimeout);
    }

    /**
     * Headers of a request arrived. Returns the id of the timer that answers 408 unless the body
     * is complete in time; the caller cancels it with {@link #bodyReceived(long)} and reports the
     * end of the exchange (answered, or the connection lost) with {@link #finished}.
     */
    long started(HttpServerRequest request, Runnable tooSlow) {
        HttpConnection connection = request.connection();
        long[] state = connections.get(connection);
        if (state != null) {
            state[0]++;
            cancel(state);
        }
        return timers.schedule(requestTimeout, () -> {
            if (!request.response().ended() && !request.response().closed()) {
                tooSlow.run();
                if (request.version() != HttpVersion.HTTP_2) {
                    connection.close(); // the rest of the body would still be on its way
                }
            }
        });
    }

    void bodyReceived(long timer) {
        timers.cancel(timer);
    }

    /** The request is answered or abandoned; a connection with none left waits for the next. */
    void finished(HttpServerRequest request, long timer) {
        timers.cancel(timer);
        HttpConnection connection = request.connection();
        long[] state = connections.get(connection);
        if (state != null && state[0] > 0 && --state[0] == 0) {
            awaitRequest(connection, state, idleTimeout);
        }
    }

    private void awaitRequest(HttpConnection connection, long[] state, long millis) {
        cancel(state);
        state[1] = timers.schedule(millis, () -> {
            state[1] = -1;
            if (state[0] == 0) {
                connection.close();
            }
        });
    }

    private void cancel(long[] state) {
        if (state[1] >= 0) {
            timers.cancel(state[1]);
            state[1] = -1;
        }
    }
}
