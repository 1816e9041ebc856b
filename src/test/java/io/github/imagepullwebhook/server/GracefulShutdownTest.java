package io.github.imagepullwebhook.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.imagepullwebhook.admission.AdmissionService;
import io.github.imagepullwebhook.admission.SkipRules;
import io.github.imagepullwebhook.testing.Await;
import io.github.imagepullwebhook.testing.ManualTimers;
import io.github.imagepullwebhook.testing.Ports;
import io.github.imagepullwebhook.testing.RawHttp;
import io.github.imagepullwebhook.testing.Reviews;
import io.github.imagepullwebhook.testing.TestTls;
import io.github.imagepullwebhook.tls.GeneratedCertificates;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM's path: readiness drops first, accepted reviews are answered, then the server closes.
 * The shutdown delay passes when the test moves the server's timers; what the test waits for
 * is the server's own doing (a request counted in flight, the port closing).
 */
class GracefulShutdownTest {

    static final long DELAY = 1_500;
    static final Duration WAIT = WebhookServerTest.WAIT;

    @TempDir
    Path dir;
    final Vertx vertx = Vertx.vertx();
    final WebhookMetrics metrics = new WebhookMetrics();
    final ManualTimers timers = new ManualTimers(vertx);

    @AfterEach
    void close() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    WebhookServer start(GeneratedCertificates files, long shutdownDelay) throws Exception {
        return WebhookServerTest.start(vertx, WebhookServerTest.config(files, shutdownDelay), metrics, timers);
    }

    GeneratedCertificates certificates() throws Exception {
        return GeneratedCertificates.create(dir, GeneratedCertificates.serviceNames("w", "ns"));
    }

    @Test
    void answersAReviewThatWasHalfSentWhenShutdownBegan() throws Exception {
        GeneratedCertificates files = certificates();
        WebhookServer server = start(files, DELAY);
        int port = server.port();
        byte[] body = Reviews.pod("nginx", "nginx:1.25").getBytes(StandardCharsets.UTF_8);
        try (SSLSocket socket = (SSLSocket) TestTls.trusting(files.caFile()).getSocketFactory().createSocket("localhost", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            RawHttp.writeHead(out, "/mutate", body.length);
            out.write(body, 0, body.length / 2);
            out.flush();
            Await.until(WAIT, () -> metrics.requestsInFlight() == 1, () -> "the server to start on the half-sent review");

            Future<Void> stopping = server.stop();
            assertThat(server.ready()).isFalse();
            timers.advance(Duration.ofMillis(DELAY));
            Await.until(WAIT, () -> Ports.refused(port), () -> "the port to close once the shutdown delay is over");
            assertThat(stopping.isComplete()).as("stop waits for the in-flight review").isFalse();

            out.write(body, body.length / 2, body.length - body.length / 2);
            out.flush();
            String response = RawHttp.readResponse(socket.getInputStream());
            assertThat(response).startsWith("HTTP/1.1 200").contains("\"uid\":\"uid-1\"").contains("\"patch\":");
            stopping.await(10, TimeUnit.SECONDS);
        }
        assertThat(metrics.requestsInFlight()).isZero();
        assertThat(Ports.refused(port)).as("stopped: nothing listens").isTrue();
    }

    @Test
    void readinessTurns503WhileStillServingDuringTheShutdownDelay() throws Exception {
        GeneratedCertificates files = certificates();
        WebhookServer server = start(files, DELAY);
        int port = server.port();
        HttpClient client = HttpClient.newBuilder().sslContext(TestTls.trusting(files.caFile())).build();
        URI readyz = URI.create("https://localhost:" + port + "/readyz");
        URI mutate = URI.create("https://localhost:" + port + "/mutate");
        assertThat(client.send(HttpRequest.newBuilder(readyz).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(200);
        Future<Void> stopping = server.stop();
        HttpResponse<String> during = client.send(HttpRequest.newBuilder(readyz).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(during.statusCode()).isEqualTo(503);
        assertThat(WebhookServerTest.send(client, mutate).statusCode()).as("still serving reviews while endpoints update")
                .isEqualTo(200);

        timers.advance(Duration.ofMillis(DELAY - 1));
        assertThat(WebhookServerTest.send(client, mutate).statusCode()).as("serving to the end of the delay").isEqualTo(200);
        assertThat(stopping.isComplete()).isFalse();
        timers.advance(Duration.ofMillis(1));
        stopping.await(10, TimeUnit.SECONDS);
        assertThat(Ports.refused(port)).as("stopped once the delay is over").isTrue();
    }

    /**
     * Shutdown under load: six clients keep sending reviews over HTTP/2 and HTTP/1.1 while the
     * server stops. Every review the server answered reached its client — the count the server
     * recorded equals the 200s the clients received — and stop completes.
     *
     * <p>The HTTP/2 clients are Vert.x's: the JDK 17 client fails every open stream when a GOAWAY
     * arrives, even those the GOAWAY lets the server finish (JDK-8335181), so it loses answers
     * the server did send; the apiserver's Go client, like Vert.x's, reads them.
     */
    @Test
    void underLoadEveryAnsweredReviewReachesItsClient() throws Exception {
        GeneratedCertificates files = certificates();
        AdmissionService service = new AdmissionService(new ObjectMapper(), new SkipRules(Set.of()));
        WebhookServer server = WebhookServer.start(vertx, WebhookServerTest.config(files, DELAY), service, 2, metrics,
                Clock.systemUTC(), timers).await(10, TimeUnit.SECONDS);
        URI uri = URI.create("https://localhost:" + server.port() + "/mutate");
        AtomicInteger received = new AtomicInteger();
        AtomicBoolean closing = new AtomicBoolean();
        ExecutorService load = Executors.newFixedThreadPool(6);
        for (int i = 0; i < 6; i++) {
            Callable<Integer> send = i % 2 == 0 ? http2Sender(files.caFile(), server.port()) : http11Sender(files.caFile(), uri);
            load.submit(() -> {
                while (true) {
                    try {
                        if (send.call() == 200) {
                            received.incrementAndGet();
                        }
                    } catch (Exception refusedOrClosed) {
                        if (closing.get()) {
                            return null; // the port is closing: this client is done
                        }
                    }
                }
            });
        }
        Await.until(Duration.ofSeconds(60), () -> received.get() >= 200, // under load, whatever the JIT's state
                () -> "200 reviews answered (" + received + " were)");
        Future<Void> stopping = server.stop();
        WebhookServerTest.awaitMoreAnswers(received, "during the shutdown delay");
        closing.set(true);
        timers.advance(Duration.ofMillis(DELAY));
        stopping.await(20, TimeUnit.SECONDS);
        load.shutdown();
        assertThat(load.awaitTermination(20, TimeUnit.SECONDS)).as("every client saw the port close").isTrue();
        double answered = metrics.registry().find("webhook_reviews").counters().stream().mapToDouble(Counter::count).sum();
        assertThat(received.get()).as("reviews received by the clients").isGreaterThan(200);
        assertThat(answered).as("reviews the server answered").isEqualTo(received.get());
    }

    private static Callable<Integer> http11Sender(Path ca, URI uri) throws Exception {
        HttpClient client = WebhookServerTest.client(HttpClient.Version.HTTP_1_1, ca);
        return () -> WebhookServerTest.send(client, uri).statusCode();
    }

    private Callable<Integer> http2Sender(Path ca, int port) {
        HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2).setSsl(true).setUseAlpn(true)
                .setTrustOptions(new PemTrustOptions().addCertPath(ca.toString())));
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setHost("localhost").setPort(port)
                .setURI("/mutate").putHeader("Content-Type", "application/json").setTimeout(5_000);
        String body = Reviews.pod("nginx");
        return () -> client.request(request)
                .compose(sent -> sent.send(body))
                .compose(response -> response.body().map(ignored -> response.statusCode()))
                .await(10, TimeUnit.SECONDS);
    }
}
