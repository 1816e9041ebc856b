package io.github.imagepullwebhook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.imagepullwebhook.testing.RawHttp;
import io.github.imagepullwebhook.testing.Reviews;
import io.github.imagepullwebhook.testing.TestTls;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve} as its own process, stopped with a real SIGTERM while a review is in flight. */
class SigtermTest {

    @TempDir
    Path dir;

    @Test
    void answersTheInFlightReviewThenExits() throws Exception {
        Path config = Files.writeString(dir.resolve("c.yaml"),
                "server: {port: 0, metricsPort: -1, shutdownDelay: 300ms, shutdownTimeout: 10s}\n");
        Process process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve", "-c", config.toString(),
                "--cert-dir=" + dir.resolve("certs"), "--instances=1")).redirectErrorStream(true)
                .redirectOutput(dir.resolve("server.log").toFile()).start();
        int port = waitForPort(dir.resolve("server.log"));

        byte[] body = Reviews.pod("nginx").getBytes(StandardCharsets.UTF_8);
        try (SSLSocket socket = (SSLSocket) TestTls.trusting(dir.resolve("certs/ca.crt")).getSocketFactory()
                .createSocket("localhost", port)) {
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            RawHttp.writeHead(out, "/mutate", body.length);
            out.write(body, 0, body.length / 2);
            out.flush();
            Thread.sleep(200);

            process.destroy(); // SIGTERM
            Thread.sleep(800); // past the shutdown delay: the server no longer accepts, but this review is in flight
            out.write(body, body.length / 2, body.length - body.length / 2);
            out.flush();
            String response = RawHttp.readResponse(socket.getInputStream());
            assertThat(response).startsWith("HTTP/1.1 200").contains("\"uid\":\"uid-1\"").contains("\"patch\"");
        }
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("exits after SIGTERM").isTrue();
        assertThat(Files.readString(dir.resolve("server.log"))).contains("image-pull-webhook stopped")
                .doesNotContain("Exception");
    }

    private static int waitForPort(Path log) throws Exception {
        Pattern listening = Pattern.compile("listening on https port (\\d+)");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Matcher m = listening.matcher(Files.exists(log) ? Files.readString(log) : "");
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            Thread.sleep(50);
        }
        throw new AssertionError("server did not start: " + (Files.exists(log) ? Files.readString(log) : "no output"));
    }
}
