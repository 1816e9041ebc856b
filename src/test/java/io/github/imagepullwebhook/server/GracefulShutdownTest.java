package io.github.imagepullwebhook.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.imagepullwebhook.testing.RawHttp;
import io.github.imagepullwebhook.testing.Reviews;
import io.github.imagepullwebhook.testing.TestTls;
import io.github.imagepullwebhook.tls.GeneratedCertificates;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM's path: readiness drops first, accepted reviews are answered, then the server closes. */
class GracefulShutdownTest {

    @TempDir
    Path dir;
    final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void answersAReviewThatWasHalfSentWhenShutdownBegan() throws Exception {
        GeneratedCertificates files = GeneratedCertificates.create(dir, GeneratedCertificates.serviceNames("w", "ns"));
        WebhookServer server = WebhookServerTest.start(vertx, WebhookServerTest.config(files, 0));
        int port = server.port();
        byte[] body = Reviews.pod("nginx", "nginx:1.25").getBytes(StandardCharsets.UTF_8);
        try (SSLSocket socket = (SSLSocket) TestTls.trusting(files.caFile()).getSocketFactory().createSocket("localhost", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            RawHttp.writeHead(out, "/mutate", body.length);
            out.write(body, 0, body.length / 2);
            out.flush();
            Thread.sleep(200);

            Future<Void> stopping = server.stop();
            Thread.sleep(300);
            assertThat(server.ready()).isFalse();
            assertThat(stopping.isComplete()).as("stop waits for the in-flight review").isFalse();

            out.write(body, body.length / 2, body.length - body.length / 2);
            out.flush();
            String response = RawHttp.readResponse(socket.getInputStream());
            assertThat(response).startsWith("HTTP/1.1 200").contains("\"uid\":\"uid-1\"").contains("\"patch\":");
            stopping.await(10, TimeUnit.SECONDS);
        }
        HttpClient client = HttpClient.newBuilder().sslContext(TestTls.trusting(files.caFile())).build();
        assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/healthz"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(ConnectException.class);
    }

    @Test
    void readinessTurns503WhileStillServingDuringTheShutdownDelay() throws Exception {
        GeneratedCertificates files = GeneratedCertificates.create(dir, GeneratedCertificates.serviceNames("w", "ns"));
        WebhookServer server = WebhookServerTest.start(vertx, WebhookServerTest.config(files, 1_500));
        HttpClient client = HttpClient.newBuilder().sslContext(TestTls.trusting(files.caFile())).build();
        URI readyz = URI.create("https://localhost:" + server.port() + "/readyz");
        assertThat(client.send(HttpRequest.newBuilder(readyz).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(200);
        Future<Void> stopping = server.stop();
        HttpResponse<String> during = client.send(HttpRequest.newBuilder(readyz).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(during.statusCode()).isEqualTo(503);
        HttpResponse<String> review = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + "/mutate"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(Reviews.pod("nginx")))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(review.statusCode()).as("still serving reviews while endpoints update").isEqualTo(200);
        stopping.await(10, TimeUnit.SECONDS);
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
        GeneratedCertificates files = GeneratedCertificates.create(dir, GeneratedCertificates.serviceNames("w", "ns"));
        WebhookMetrics metrics = new WebhookMetrics();
        WebhookServer server = WebhookServer.start(vertx, WebhookServerTest.config(files, 300),
                new io.github.imagepullwebhook.admission.AdmissionService(new com.fasterxml.jackson.databind.ObjectMapper(),
                        new io.github.imagepullwebhook.admission.SkipRules(java.util.Set.of())), 2, metrics)
                .await(10, TimeUnit.SECONDS);
        URI uri = URI.create("https://localhost:" + server.port() + "/mutate");
        java.util.concurrent.atomic.AtomicInteger received = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.ExecutorService load = java.util.concurrent.Executors.newFixedThreadPool(6);
        for (int i = 0; i < 6; i++) {
            java.util.concurrent.Callable<Integer> send = i % 2 == 0 ? http2Sender(files.caFile(), server.port())
                    : http11Sender(files.caFile(), uri);
            load.submit(() -> {
                while (running.get()) {
                    try {
                        if (send.call() == 200) {
                            received.incrementAndGet();
                        }
                    } catch (Exception refusedOrClosed) {
                        Thread.sleep(5); // after shutdown: connections refused
                    }
                }
                return null;
            });
        }
        long loaded = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (received.get() < 200 && System.nanoTime() < loaded) { // under load, whatever the JIT's state
            Thread.sleep(10);
        }
        server.stop().await(20, TimeUnit.SECONDS);
        running.set(false);
        load.shutdown();
        assertThat(load.awaitTermination(20, TimeUnit.SECONDS)).isTrue();
        double answered = metrics.registry().find("webhook_reviews").counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
        assertThat(received.get()).as("reviews received by the clients").isGreaterThan(100);
        assertThat(answered).as("reviews the server answered").isEqualTo(received.get());
    }

    private static java.util.concurrent.Callable<Integer> http11Sender(Path ca, URI uri) throws Exception {
        HttpClient client = WebhookServerTest.client(HttpClient.Version.HTTP_1_1, ca);
        return () -> WebhookServerTest.send(client, uri).statusCode();
    }

    private java.util.concurrent.Callable<Integer> http2Sender(Path ca, int port) {
        io.vertx.core.http.HttpClient client = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions()
                .setProtocolVersion(io.vertx.core.http.HttpVersion.HTTP_2).setSsl(true).setUseAlpn(true)
                .setTrustOptions(new io.vertx.core.net.PemTrustOptions().addCertPath(ca.toString())));
        io.vertx.core.http.RequestOptions request = new io.vertx.core.http.RequestOptions()
                .setMethod(io.vertx.core.http.HttpMethod.POST).setHost("localhost").setPort(port).setURI("/mutate")
                .putHeader("Content-Type", "application/json").setTimeout(5_000);
        String body = Reviews.pod("nginx");
        return () -> client.request(request)
                .compose(sent -> sent.send(body))
                .compose(response -> response.body().map(ignored -> response.statusCode()))
                .await(10, TimeUnit.SECONDS);
    }
}
