package io.github.imagepullwebhook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.imagepullwebhook.testing.Await;
import io.github.imagepullwebhook.testing.Ports;
import io.github.imagepullwebhook.testing.RawHttp;
import io.github.imagepullwebhook.testing.Reviews;
import io.github.imagepullwebhook.testing.TestTls;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} as its own process, stopped with a real SIGTERM while a review is in flight: the
 * server keeps serving for the shutdown delay, then refuses new connections, answers the review
 * that was in flight (its body completed only then), and exits.
 */
class SigtermTest {

    static final long DELAY_MILLIS = 2_000;
    static final Duration WAIT = Duration.ofSeconds(30);
    /** A JVM of its own, cold, on a machine that may be busy with other builds. */
    static final Duration STARTUP = Duration.ofSeconds(120);
    static final Pattern LISTENING = Pattern.compile("listening on https port (\\d+) at \\S+ \\(metrics port (\\d+)");
    static final Pattern IN_FLIGHT = Pattern.compile("(?m)^webhook_requests_in_flight (\\S+)$");
    static final String DELAY_OVER = "shutdown delay over; no longer accepting connections, 1 requests in flight";
    /** A warning line and its stack trace: the lines up to the next that starts with a timestamp. */
    static final Pattern ACCEPT_RACE = Pattern.compile(
            "(?m)^.* WARN .*Failed to register an accepted channel.*\\n(?:(?!\\d{4}-\\d\\d-\\d\\dT).*\\n)*");

    @TempDir
    Path dir;

    @Test
    void answersTheInFlightReviewAfterTheShutdownDelayThenExits() throws Exception {
        Path config = Files.writeString(dir.resolve("c.yaml"), "server: {port: 0, metricsPort: 0, shutdownDelay: "
                + DELAY_MILLIS + "ms, shutdownTimeout: 30s}\n");
        Path log = dir.resolve("server.log");
        Process process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve", "-c", config.toString(),
                "--cert-dir=" + dir.resolve("certs"), "--instances=1")).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        try {
            Await.until(STARTUP, () -> LISTENING.matcher(read(log)).find(), () -> "the server to start: " + read(log));
            Matcher listening = LISTENING.matcher(read(log));
            assertThat(listening.find()).isTrue();
            int port = Integer.parseInt(listening.group(1));
            int metricsPort = Integer.parseInt(listening.group(2));

            byte[] body = Reviews.pod("nginx").getBytes(StandardCharsets.UTF_8);
            try (SSLSocket socket = (SSLSocket) TestTls.trusting(dir.resolve("certs/ca.crt")).getSocketFactory()
                    .createSocket("localhost", port)) {
                socket.setSoTimeout((int) WAIT.toMillis());
                OutputStream out = socket.getOutputStream();
                RawHttp.writeHead(out, "/mutate", body.length);
                out.write(body, 0, body.length / 2);
                out.flush();
                Await.until(WAIT, () -> inFlight(metricsPort) == 1, () -> "the server to count the half-sent review in flight");

                long signalled = System.nanoTime();
                process.destroy(); // SIGTERM
                Await.until(WAIT, () -> read(log).contains(DELAY_OVER), () -> "the end of the shutdown delay: " + read(log));
                // A lower bound on another process's timer: however loaded the machine, a server
                // that honours the delay cannot end it sooner after the signal.
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled))
                        .as("milliseconds from SIGTERM to the end of the shutdown delay").isGreaterThanOrEqualTo(DELAY_MILLIS);
                Await.until(WAIT, () -> Ports.refused(port), () -> "new connections to be refused after the delay");

                out.write(body, body.length / 2, body.length - body.length / 2);
                out.flush();
                String response = RawHttp.readResponse(socket.getInputStream());
                assertThat(response).startsWith("HTTP/1.1 200").contains("\"uid\":\"uid-1\"").contains("\"patch\"");
            }
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("exits after SIGTERM").isTrue();
            assertThat(withoutAcceptRace(read(log))).contains("image-pull-webhook stopped").doesNotContain("Exception");
        } finally {
            process.destroyForcibly();
        }
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    /**
     * The log without Netty's warning for a connection accepted while Vert.x closes the port
     * (it stops handing connections to its event loops a moment before the socket is closed):
     * the probes for a refused connection may land there, and are dropped, as they should be.
     */
    private static String withoutAcceptRace(String log) {
        return ACCEPT_RACE.matcher(log).replaceAll("");
    }

    /** {@code webhook_requests_in_flight} as the metrics port shows it; -1 when it shows none. */
    private static double inFlight(int metricsPort) throws Exception {
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + metricsPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher gauge = IN_FLIGHT.matcher(metrics);
        return gauge.find() ? Double.parseDouble(gauge.group(1)) : -1;
    }
}
