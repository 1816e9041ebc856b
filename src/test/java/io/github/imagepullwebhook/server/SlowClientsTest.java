package io.github.imagepullwebhook.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.imagepullwebhook.config.ServerConfig;
import io.github.imagepullwebhook.testing.Await;
import io.github.imagepullwebhook.testing.ManualTimers;
import io.github.imagepullwebhook.testing.RawHttp;
import io.github.imagepullwebhook.testing.Reviews;
import io.github.imagepullwebhook.testing.TestTls;
import io.github.imagepullwebhook.tls.GeneratedCertificates;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that send slowly, over real TLS: a connection that says nothing, headers trickled a
 * byte at a time, a body that never finishes, and a trickled request on a kept-alive connection.
 * Each is cut off at its deadline and not a millisecond before — a client doing the same but
 * finishing one millisecond earlier is served — and the server keeps answering everyone else.
 *
 * <p>The deadlines run on timers the test moves. The transport's own idle timeout (the same
 * setting, in real time) is far longer than a test waits for a connection to close, so only the
 * deadlines can cut one here, even though each trickled byte would reset the transport's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlowClientsTest {

    static final long REQUEST_TIMEOUT = 60_000;
    /** Also the transport's idle timeout, in real time: ten times as long as a test waits for anything. */
    static final long IDLE_TIMEOUT = 600_000;
    /** Trickled requests send one byte per step, a hundred steps to a deadline. */
    static final int STEPS = 100;
    static final Duration WAIT = WebhookServerTest.WAIT;
    static final byte[] REVIEW = Reviews.pod("nginx").getBytes(StandardCharsets.UTF_8);
    static final byte[] PROBE_HEAD = ("GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + "a".repeat(200))
            .getBytes(StandardCharsets.US_ASCII); // 200+ bytes at one per step: far past any deadline
    static final byte[] END_OF_HEADERS = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    static Path dir;
    Vertx vertx;
    ManualTimers timers;
    final WebhookMetrics metrics = new WebhookMetrics();
    WebhookServer server;
    GeneratedCertificates files;

    @BeforeAll
    void start() throws Exception {
        files = GeneratedCertificates.create(dir, List.of("localhost"));
        vertx = Vertx.vertx();
        timers = new ManualTimers(vertx);
        // The files are checked once a day: moving time by minutes does not read them hundreds of times.
        ServerConfig config = new ServerConfig(0, WebhookServerTest.tls(files), 0, WebhookServerTest.MAX_BODY,
                Duration.ofDays(1).toMillis(), 0, 30_000, REQUEST_TIMEOUT, IDLE_TIMEOUT);
        server = WebhookServerTest.start(vertx, WebhookServerTest.config(config), metrics, timers);
    }

    @AfterAll
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    /** A new connection, once the server has set its first deadline. */
    SSLSocket connect() throws Exception {
        // An answered request sets its connection's idle deadline as it leaves the count.
        Await.until(WAIT, () -> metrics.requestsInFlight() == 0, () -> "earlier requests to be finished");
        long before = timers.scheduled();
        SSLSocket socket = (SSLSocket) TestTls.trusting(files.caFile()).getSocketFactory().createSocket("localhost", server.port());
        socket.setSoTimeout((int) WAIT.toMillis());
        socket.startHandshake();
        Await.until(WAIT, () -> timers.scheduled() > before, () -> "the server to set the new connection's deadline");
        return socket;
    }

    void awaitInFlight(int requests) {
        Await.until(WAIT, () -> metrics.requestsInFlight() == requests,
                () -> requests + " requests in flight (" + metrics.requestsInFlight() + " are)");
    }

    /**
     * Sends the first {@link #STEPS} of {@code bytes} to every socket, one per step of time,
     * until one millisecond before {@code deadline} (from now): bytes keep coming all along.
     */
    void trickle(byte[] bytes, long deadline, SSLSocket... sockets) throws IOException {
        long step = deadline / STEPS;
        for (int i = 0; i < STEPS; i++) {
            for (SSLSocket socket : sockets) {
                socket.getOutputStream().write(bytes[i]);
                socket.getOutputStream().flush();
            }
            timers.advance(Duration.ofMillis(i < STEPS - 1 ? step : deadline - (STEPS - 1) * step - 1));
        }
    }

    /** The server closes {@code socket}: reads whatever it says first, and fails if it never hangs up. */
    static String readUntilClosed(SSLSocket socket) throws IOException {
        StringBuilder said = new StringBuilder();
        InputStream in = socket.getInputStream();
        try {
            for (int c = in.read(); c >= 0; c = in.read()) {
                said.append((char) c);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("server never closed the connection; it said: " + said, e);
        } catch (IOException reset) {
            // closed by the peer
        }
        return said.toString();
    }

    /**
     * One millisecond before the deadline, {@code justInTime} sends the rest of its request and
     * is served; at the deadline the server cuts {@code late}. Returns what it said before
     * hanging up.
     */
    String servedThenCut(SSLSocket justInTime, byte[] rest, SSLSocket late) throws IOException {
        justInTime.getOutputStream().write(rest);
        justInTime.getOutputStream().flush();
        assertThat(RawHttp.readResponse(justInTime.getInputStream())).as("served one millisecond before the deadline")
                .startsWith("HTTP/1.1 200");
        timers.advance(Duration.ofMillis(1));
        return readUntilClosed(late);
    }

    /** The rest of {@code bytes}, from {@code from}. */
    static byte[] rest(byte[] bytes, int from) {
        return Arrays.copyOfRange(bytes, from, bytes.length);
    }

    static void writeHead(List<SSLSocket> sockets) throws IOException {
        for (SSLSocket socket : sockets) {
            RawHttp.writeHead(socket.getOutputStream(), "/mutate", REVIEW.length);
            socket.getOutputStream().flush();
        }
    }

    @Test
    void aConnectionThatNeverSendsARequestIsClosedAfterTheRequestTimeout() throws Exception {
        try (SSLSocket silent = connect(); SSLSocket late = connect()) {
            timers.advance(Duration.ofMillis(REQUEST_TIMEOUT - 1));
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            RawHttp.post(request, "/mutate", REVIEW);
            assertThat(servedThenCut(late, request.toByteArray(), silent)).isEmpty();
        }
        assertStillServing();
    }

    @Test
    void headersTrickledAByteAtATimeDoNotKeepTheConnection() throws Exception {
        try (SSLSocket endless = connect(); SSLSocket justInTime = connect()) {
            trickle(PROBE_HEAD, REQUEST_TIMEOUT, endless, justInTime);
            assertThat(servedThenCut(justInTime, END_OF_HEADERS, endless)).isEmpty();
        }
        assertStillServing();
    }

    @Test
    void aBodyThatNeverFinishesIsAnswered408AndTheConnectionClosed() throws Exception {
        try (SSLSocket stalled = connect(); SSLSocket justInTime = connect()) {
            List<SSLSocket> both = List.of(stalled, justInTime);
            writeHead(both);
            for (SSLSocket socket : both) {
                socket.getOutputStream().write(REVIEW, 0, 14); // {"apiVersion": and no more
                socket.getOutputStream().flush();
            }
            awaitInFlight(2);
            timers.advance(Duration.ofMillis(REQUEST_TIMEOUT - 1));
            assertThat(servedThenCut(justInTime, rest(REVIEW, 14), stalled)).as("answered, then the connection closed")
                    .startsWith("HTTP/1.1 408")
                    .contains("request body not received within " + REQUEST_TIMEOUT + " ms (server.requestTimeoutMillis)");
        }
        assertStillServing();
    }

    @Test
    void aBodyTrickledAByteAtATimeIsCutOffToo() throws Exception {
        try (SSLSocket trickling = connect(); SSLSocket justInTime = connect()) {
            writeHead(List.of(trickling, justInTime));
            awaitInFlight(2);
            trickle(REVIEW, REQUEST_TIMEOUT, trickling, justInTime);
            servedThenCut(justInTime, rest(REVIEW, STEPS), trickling); // a 408 first, unless the close overtakes it
        }
        assertStillServing();
    }

    @Test
    void aKeptAliveConnectionTricklingItsNextRequestIsClosedAfterTheIdleTimeout() throws Exception {
        try (SSLSocket slow = connect(); SSLSocket justInTime = connect()) {
            for (SSLSocket socket : List.of(slow, justInTime)) {
                RawHttp.post(socket.getOutputStream(), "/mutate", REVIEW);
                assertThat(RawHttp.readResponse(socket.getInputStream())).startsWith("HTTP/1.1 200");
            }
            awaitInFlight(0); // both wait for their next request now
            trickle(PROBE_HEAD, IDLE_TIMEOUT, slow, justInTime);
            assertThat(servedThenCut(justInTime, END_OF_HEADERS, slow)).isEmpty();
        }
        assertStillServing();
    }

    @Test
    void aPromptClientOnAKeptAliveConnectionIsNotDisturbed() throws Exception {
        try (SSLSocket socket = connect()) {
            for (int i = 0; i < 3; i++) {
                RawHttp.post(socket.getOutputStream(), "/mutate", REVIEW);
                assertThat(RawHttp.readResponse(socket.getInputStream())).startsWith("HTTP/1.1 200");
                awaitInFlight(0);
                // pauses shorter than the idle timeout, longer than half the request one: together, longer than it
                timers.advance(Duration.ofMillis(REQUEST_TIMEOUT / 2));
            }
            RawHttp.post(socket.getOutputStream(), "/mutate", REVIEW);
            assertThat(RawHttp.readResponse(socket.getInputStream())).startsWith("HTTP/1.1 200");
        }
    }

    void assertStillServing() throws Exception {
        try (SSLSocket socket = connect()) {
            RawHttp.post(socket.getOutputStream(), "/mutate", Reviews.pod("nginx:1.27").getBytes(StandardCharsets.UTF_8));
            assertThat(RawHttp.readResponse(socket.getInputStream())).startsWith("HTTP/1.1 200").contains("\"allowed\":true");
        }
    }
}
