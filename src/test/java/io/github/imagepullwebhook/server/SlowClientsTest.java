package io.github.imagepullwebhook.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.imagepullwebhook.testing.RawHttp;
import io.github.imagepullwebhook.testing.Reviews;
import io.github.imagepullwebhook.testing.TestTls;
import io.github.imagepullwebhook.tls.GeneratedCertificates;
import io.vertx.core.Vertx;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
 * byte at a time (each byte resets the transport's idle timer, so only our deadline ends it), a
 * body that never finishes, and a trickled request on a kept-alive connection. Each is cut off
 * near its deadline, and the server keeps answering everyone else.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlowClientsTest {

    static final long REQUEST_TIMEOUT = 1_000;
    static final long IDLE_TIMEOUT = 1_500;

    @TempDir
    static Path dir;
    Vertx vertx;
    WebhookServer server;
    GeneratedCertificates files;

    @BeforeAll
    void start() throws Exception {
        files = GeneratedCertificates.create(dir, List.of("localhost"));
        vertx = Vertx.vertx();
        server = WebhookServerTest.start(vertx, WebhookServerTest.config(files, 0, REQUEST_TIMEOUT, IDLE_TIMEOUT));
    }

    @AfterAll
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    SSLSocket connect() throws Exception {
        SSLSocket socket = (SSLSocket) TestTls.trusting(files.caFile()).getSocketFactory().createSocket("localhost", server.port());
        socket.setSoTimeout(10_000);
        socket.startHandshake();
        return socket;
    }

    /** Milliseconds until the server closes {@code socket}, while {@code trickle} keeps sending. */
    static long millisUntilClosed(SSLSocket socket, byte[] trickle) throws Exception {
        long started = System.nanoTime();
        Thread sender = new Thread(() -> {
            try {
                OutputStream out = socket.getOutputStream();
                for (byte b : trickle) {
                    out.write(b);
                    out.flush();
                    Thread.sleep(100);
                }
            } catch (Exception closed) {
                // the server hung up: what we are waiting for
            }
        }, "trickle");
        sender.setDaemon(true);
        sender.start();
        InputStream in = socket.getInputStream();
        try {
            while (in.read() >= 0) {
                // drain whatever the server says before it closes
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("server never closed the connection", e);
        } catch (java.io.IOException reset) {
            // closed by the peer
        }
        sender.interrupt();
        return (System.nanoTime() - started) / 1_000_000;
    }

    @Test
    void aConnectionThatNeverSendsARequestIsClosedAfterTheRequestTimeout() throws Exception {
        try (SSLSocket socket = connect()) {
            assertThat(millisUntilClosed(socket, new byte[0])).isBetween(REQUEST_TIMEOUT - 200, REQUEST_TIMEOUT + 2_000);
        }
        assertStillServing();
    }

    @Test
    void headersTrickledAByteAtATimeDoNotKeepTheConnection() throws Exception {
        byte[] endless = ("POST /mutate HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + "a".repeat(200))
                .getBytes(StandardCharsets.US_ASCII); // 200+ bytes at 10/s: 20 s if nobody intervened
        try (SSLSocket socket = connect()) {
            assertThat(millisUntilClosed(socket, endless)).isBetween(REQUEST_TIMEOUT - 200, REQUEST_TIMEOUT + 2_000);
        }
        assertStillServing();
    }

    @Test
    void aBodyThatNeverFinishesIsAnswered408AndTheConnectionClosed() throws Exception {
        try (SSLSocket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            RawHttp.writeHead(out, "/mutate", 5_000);
            out.write("{\"apiVersion\":".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long started = System.nanoTime();
            String response = RawHttp.readResponse(socket.getInputStream());
            long waited = (System.nanoTime() - started) / 1_000_000;
            assertThat(response).startsWith("HTTP/1.1 408")
                    .contains("request body not received within 1000 ms (server.requestTimeoutMillis)");
            assertThat(waited).isBetween(REQUEST_TIMEOUT - 200, REQUEST_TIMEOUT + 2_000);
            assertThat(socket.getInputStream().read()).as("connection closed after the 408").isEqualTo(-1);
        }
        assertStillServing();
    }

    @Test
    void aBodyTrickledAByteAtATimeIsCutOffToo() throws Exception {
        try (SSLSocket socket = connect()) {
            RawHttp.writeHead(socket.getOutputStream(), "/mutate", 1_000);
            socket.getOutputStream().flush();
            assertThat(millisUntilClosed(socket, new byte[500])).isBetween(REQUEST_TIMEOUT - 200, REQUEST_TIMEOUT + 2_000);
        }
        assertStillServing();
    }

    @Test
    void aKeptAliveConnectionTricklingItsNextRequestIsClosedAfterTheIdleTimeout() throws Exception {
        try (SSLSocket socket = connect()) {
            RawHttp.post(socket.getOutputStream(), "/mutate", Reviews.pod("nginx").getBytes(StandardCharsets.UTF_8));
            assertThat(RawHttp.readResponse(socket.getInputStream())).startsWith("HTTP/1.1 200");
            byte[] slow = "GET /healthz HTTP/1.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".getBytes(StandardCharsets.US_ASCII);
            assertThat(millisUntilClosed(socket, slow)).isBetween(IDLE_TIMEOUT - 200, IDLE_TIMEOUT + 2_000);
        }
        assertStillServing();
    }

    @Test
    void aPromptClientOnAKeptAliveConnectionIsNotDisturbed() throws Exception {
        try (SSLSocket socket = connect()) {
            for (int i = 0; i < 3; i++) {
                RawHttp.post(socket.getOutputStream(), "/mutate", Reviews.pod("nginx").getBytes(StandardCharsets.UTF_8));
                assertThat(RawHttp.readResponse(socket.getInputStream())).startsWith("HTTP/1.1 200");
                Thread.sleep(REQUEST_TIMEOUT / 2); // pauses shorter than the idle timeout, longer than half the request one
            }
        }
    }

    void assertStillServing() throws Exception {
        try (SSLSocket socket = connect()) {
            RawHttp.post(socket.getOutputStream(), "/mutate", Reviews.pod("nginx:1.27").getBytes(StandardCharsets.UTF_8));
            assertThat(RawHttp.readResponse(socket.getInputStream())).startsWith("HTTP/1.1 200").contains("\"allowed\":true");
        }
    }
}
