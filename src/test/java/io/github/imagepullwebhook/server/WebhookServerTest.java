package io.github.imagepullwebhook.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.imagepullwebhook.admission.AdmissionService;
import io.github.imagepullwebhook.admission.SkipRules;
import io.github.imagepullwebhook.config.Profile;
import io.github.imagepullwebhook.config.ServerConfig;
import io.github.imagepullwebhook.config.TlsConfig;
import io.github.imagepullwebhook.config.WebhookConfig;
import io.github.imagepullwebhook.testing.Await;
import io.github.imagepullwebhook.testing.ManualTimers;
import io.github.imagepullwebhook.testing.RawHttp;
import io.github.imagepullwebhook.testing.Reviews;
import io.github.imagepullwebhook.testing.TestTls;
import io.github.imagepullwebhook.tls.CertificateAuthority;
import io.github.imagepullwebhook.tls.CertificateAuthority.ServingCertificate;
import io.github.imagepullwebhook.tls.GeneratedCertificates;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.CertPathValidatorException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The real server over real TLS on a free port, as the apiserver and kubectl meet it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookServerTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final long MAX_BODY = 1024 * 1024;
    static final long CERT_RELOAD_MILLIS = 100;
    /** How long a test waits for something the server does on its own, on a loaded machine. */
    static final Duration WAIT = Duration.ofSeconds(30);

    Path certs;
    Vertx vertx;
    WebhookServer server;
    HttpClient http2;
    HttpClient http1;
    GeneratedCertificates files;

    @BeforeAll
    void start() throws Exception {
        certs = Files.createTempDirectory("webhook-certs");
        files = GeneratedCertificates.create(certs, GeneratedCertificates.serviceNames("image-pull-webhook", "ns"));
        vertx = Vertx.vertx();
        server = start(vertx, config(files, 0));
        http2 = client(HttpClient.Version.HTTP_2, files.caFile());
        http1 = client(HttpClient.Version.HTTP_1_1, files.caFile());
    }

    @AfterAll
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    static WebhookConfig config(GeneratedCertificates files, long shutdownDelay) {
        return config(files, shutdownDelay, 10_000, 60_000);
    }

    /**
     * Certificate files checked every {@link #CERT_RELOAD_MILLIS}, and a shutdown timeout long
     * enough that a drain a test drives step by step is never cut short: time moves with
     * {@link ManualTimers}, but Vert.x's grace period runs on real time.
     */
    static WebhookConfig config(GeneratedCertificates files, long shutdownDelay, long requestTimeout, long idleTimeout) {
        return config(new ServerConfig(0, tls(files), 0, MAX_BODY, CERT_RELOAD_MILLIS, shutdownDelay, 30_000,
                requestTimeout, idleTimeout));
    }

    static WebhookConfig config(ServerConfig server) {
        return new WebhookConfig(server, Map.of("default", Profile.DEFAULT, "tenants", new Profile(true, true)),
                List.of());
    }

    static TlsConfig tls(GeneratedCertificates files) {
        return new TlsConfig(files.certFile().toString(), files.keyFile().toString());
    }

    static WebhookServer start(Vertx vertx, WebhookConfig config) throws Exception {
        return start(vertx, config, new WebhookMetrics(), Timers.of(vertx));
    }

    /** With the timers a test moves, and the metrics it reads. */
    static WebhookServer start(Vertx vertx, WebhookConfig config, WebhookMetrics metrics, Timers timers) throws Exception {
        AdmissionService service = new AdmissionService(new ObjectMapper(), new SkipRules(Set.of("kube-system")));
        return WebhookServer.start(vertx, config, service, 2, metrics, Clock.systemUTC(), timers)
                .await(20, TimeUnit.SECONDS);
    }

    static HttpClient client(HttpClient.Version version, Path ca) throws Exception {
        return HttpClient.newBuilder().version(version).sslContext(TestTls.trusting(ca))
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    HttpResponse<String> post(HttpClient client, String path, String contentType, byte[] body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String body) throws Exception {
        return post(http2, path, "application/json", body.getBytes(StandardCharsets.UTF_8));
    }

    HttpResponse<String> get(String path) throws Exception {
        return http2.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    URI uri(String path) {
        return URI.create("https://localhost:" + server.port() + path);
    }

    static String patch(JsonNode review) {
        return new String(Base64.getDecoder().decode(review.path("response").path("patch").asText()), StandardCharsets.UTF_8);
    }

    @Test
    void answersV1OverHttp2WithAPatch() throws Exception {
        HttpResponse<String> response = post("/mutate", Reviews.pod("nginx", "nginx:1.25"));
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        // The stream's end frames the body: a content-length would only cost HPACK work per answer.
        assertThat(response.headers().firstValue("content-length")).isEmpty();
        JsonNode review = JSON.readTree(response.body());
        assertThat(review.path("apiVersion").asText()).isEqualTo("admission.k8s.io/v1");
        assertThat(review.path("response").path("uid").asText()).isEqualTo("uid-1");
        assertThat(review.path("response").path("allowed").asBoolean()).isTrue();
        assertThat(review.path("response").path("patchType").asText()).isEqualTo("JSONPatch");
        assertThat(JSON.readTree(patch(review))).containsExactlyInAnyOrder(
                JSON.readTree("{\"op\":\"add\",\"path\":\"/spec/containers/0/imagePullPolicy\",\"value\":\"Always\"}"),
                JSON.readTree("{\"op\":\"add\",\"path\":\"/spec/containers/1/imagePullPolicy\",\"value\":\"IfNotPresent\"}"));
    }

    @Test
    void answersV1beta1OverHttp11InItsOwnVersion() throws Exception {
        HttpResponse<String> response = post(http1, "/mutate/tenants", "application/json; charset=utf-8",
                Reviews.podIn("admission.k8s.io/v1beta1", "uid-b", "nginx:1.25").getBytes(StandardCharsets.UTF_8));
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        assertThat(response.headers().firstValue("content-length"))
                .hasValue(String.valueOf(response.body().getBytes(StandardCharsets.UTF_8).length));
        JsonNode review = JSON.readTree(response.body());
        assertThat(review.path("apiVersion").asText()).isEqualTo("admission.k8s.io/v1beta1");
        assertThat(review.path("response").path("uid").asText()).isEqualTo("uid-b");
        assertThat(patch(review)).contains("\"value\":\"Always\"");
    }

    @Test
    void validateDeniesOnAnEnforcingProfile() throws Exception {
        String undefaulted = Reviews.pod("nginx:1.25");
        JsonNode review = JSON.readTree(post("/validate/tenants", undefaulted).body());
        assertThat(review.path("response").path("allowed").asBoolean()).isFalse();
        assertThat(review.path("response").path("status").path("code").asInt()).isEqualTo(403);
        assertThat(review.path("response").path("status").path("message").asText())
                .contains("spec.containers[0].imagePullPolicy: Unsupported value: \"\": supported values: \"Always\"");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not JSON                | not json at all                                              | 400 | request body is not valid JSON",
            "empty body              | ''                                                           | 400 | request body is empty",
            "JSON array              | []                                                           | 400 | expected a JSON object, got array",
            "not a review            | {\"kind\":\"Pod\"}                                           | 400 | kind is \"Pod\"",
            "unknown version         | {\"kind\":\"AdmissionReview\",\"apiVersion\":\"v2\"}        | 400 | unsupported AdmissionReview apiVersion \"v2\"",
            "no request              | {\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\"} | 400 | has no request object",
            "no uid                  | {\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\",\"request\":{\"operation\":\"CREATE\"}} | 400 | request has no uid",
            "deep nesting            | DEEP                                                         | 400 | request body is not valid JSON",
    })
    void badBodiesGetAClear400(String name, String body, int status, String message) throws Exception {
        String sent = "DEEP".equals(body) ? "[".repeat(5000) + "]".repeat(5000) : body;
        HttpResponse<String> response = post("/mutate", sent);
        assertThat(response.statusCode()).isEqualTo(status);
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.path("kind").asText()).isEqualTo("Status");
        assertThat(answer.path("code").asInt()).isEqualTo(status);
        assertThat(answer.path("message").asText()).contains(message);
        assertServerStillServes();
    }

    @Test
    void wrongContentTypeIs415() throws Exception {
        HttpResponse<String> response = post(http2, "/mutate", "text/plain", Reviews.pod("nginx").getBytes());
        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(JSON.readTree(response.body()).path("message").asText())
                .isEqualTo("Content-Type must be application/json, was \"text/plain\"");
        assertThat(post(http2, "/mutate", null, Reviews.pod("nginx").getBytes()).statusCode()).isEqualTo(415);
    }

    @Test
    void bodiesOverTheLimitAre413EvenAt50MiB() throws Exception {
        byte[] twoMiB = new byte[2 * 1024 * 1024];
        Arrays.fill(twoMiB, (byte) ' ');
        HttpResponse<String> response = post(http1, "/mutate", "application/json", twoMiB);
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(JSON.readTree(response.body()).path("message").asText())
                .isEqualTo("request body exceeds 1048576 bytes (server.maxBodyBytes)");
        byte[] fiftyMiB = new byte[50 * 1024 * 1024];
        Arrays.fill(fiftyMiB, (byte) ' ');
        try {
            assertThat(post(http2, "/mutate", "application/json", fiftyMiB).statusCode()).isEqualTo(413);
        } catch (IOException reset) {
            // The server may answer 413 and reset the stream before the client has finished sending.
            assertThat(reset).isNotInstanceOf(HttpTimeoutException.class);
        }
        assertServerStillServes();
    }

    @Test
    void aBodyJustUnderTheLimitIsReviewed() throws Exception {
        String review = Reviews.pod("nginx:1.25");
        String padded = review.substring(0, review.length() - 1) + ",\"pad\":\""
                + "x".repeat((int) MAX_BODY - review.length() - 20) + "\"}";
        assertThat(padded.length()).isLessThan((int) MAX_BODY).isGreaterThan(256 * 1024);
        HttpResponse<String> response = post("/mutate", padded);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).path("response").path("allowed").asBoolean()).isTrue();
    }

    @Test
    void contentProblemsAreAnsweredAsReviews() throws Exception {
        String notAnObject = Reviews.pod("nginx").replace("\"object\":{", "\"object\":\"x\",\"was\":{");
        JsonNode review = JSON.readTree(post("/mutate", notAnObject).body());
        assertThat(review.path("response").path("allowed").asBoolean()).isFalse();
        assertThat(review.path("response").path("status").path("message").asText()).contains("must be a JSON object");

        String unknownKind = Reviews.pod("nginx").replace("\"kind\":\"Pod\"}", "\"kind\":\"Widget\"}");
        JsonNode skipped = JSON.readTree(post("/mutate", unknownKind).body());
        assertThat(skipped.path("response").path("allowed").asBoolean()).isTrue();
        assertThat(skipped.path("response").has("patch")).isFalse();

        for (String op : List.of("DELETE", "CONNECT")) {
            JsonNode answer = JSON.readTree(post("/mutate/tenants", Reviews.pod("nginx").replace("CREATE", op)).body());
            assertThat(answer.path("response").path("allowed").asBoolean()).as(op).isTrue();
            assertThat(answer.path("response").has("patch")).as(op).isFalse();
        }

        String noImage = Reviews.pod("nginx").replace("\"image\":\"nginx\"", "\"command\":[\"sh\"]");
        JsonNode missing = JSON.readTree(post("/mutate", noImage).body());
        assertThat(missing.path("response").path("warnings").toString()).contains("spec.containers[0].image is missing");

        JsonNode huge = JSON.readTree(post("/mutate", Reviews.pod("a".repeat(10_000))).body());
        assertThat(huge.path("response").path("allowed").asBoolean()).isTrue();
        assertThat(huge.path("response").path("warnings").get(0).asText()).hasSizeLessThanOrEqualTo(256)
                .contains("(10000 characters)");
        assertServerStillServes();
    }

    @Test
    void unknownProfilesAndPathsAre404WithAMessage() throws Exception {
        HttpResponse<String> profile = post("/mutate/nope", Reviews.pod("nginx"));
        assertThat(profile.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(profile.body()).path("message").asText())
                .isEqualTo("unknown profile \"nope\"; configured profiles: default, tenants");
        HttpResponse<String> path = post("/admit", Reviews.pod("nginx"));
        assertThat(path.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(path.body()).path("message").asText()).contains("no such endpoint: POST /admit");
        assertThat(get("/mutate").statusCode()).isEqualTo(405);
    }

    @Test
    void healthReadinessAndMetrics() throws Exception {
        assertThat(get("/healthz").statusCode()).isEqualTo(200);
        assertThat(get("/readyz").statusCode()).isEqualTo(200);
        post("/mutate/tenants", Reviews.pod("nginx:1.25"));
        post("/mutate", "garbage");
        HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + server.metricsPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body())
                .containsPattern("webhook_reviews_total\\{kind=\"Pod\",mode=\"mutate\",operation=\"CREATE\",outcome=\"patched\",profile=\"tenants\"} [1-9]")
                .containsPattern("webhook_reviews_total\\{kind=\"none\",mode=\"mutate\",operation=\"none\",outcome=\"bad_request\",profile=\"default\"} [1-9]")
                .contains("webhook_review_duration_seconds_bucket")
                .containsPattern("webhook_patches_total\\{profile=\"tenants\"} [1-9]")
                .containsPattern("webhook_errors_total\\{type=\"bad_request\"} [1-9]");
    }

    @Test
    void inventedKindsDoNotGrowMetricLabels() throws Exception {
        for (int i = 0; i < 20; i++) {
            post("/mutate", Reviews.pod("nginx").replace("\"kind\":\"Pod\"}", "\"kind\":\"Invented" + i + "\"}"));
        }
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + server.metricsPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).doesNotContain("Invented").contains("kind=\"other\"");
    }

    @Test
    void refusesPlainHttpOnTheWebhookPort() {
        HttpClient plain = HttpClient.newHttpClient();
        assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + "/healthz"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
    }

    @Test
    void tlsOneOneIsRefused() throws Exception {
        SSLSocketFactory factory = TestTls.trusting(files.caFile()).getSocketFactory();
        try (SSLSocket socket = (SSLSocket) factory.createSocket("localhost", server.port())) {
            socket.setEnabledProtocols(new String[] {"TLSv1.3"});
            socket.startHandshake();
            assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
        }
        try (SSLSocket socket = (SSLSocket) factory.createSocket("localhost", server.port())) {
            socket.setEnabledProtocols(new String[] {"TLSv1.2"});
            socket.startHandshake();
            assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.2");
        }
        assertThat(ServedTls.PROTOCOLS).containsExactlyInAnyOrder("TLSv1.2", "TLSv1.3");
    }

    @Test
    void bothEventLoopsShareOnePort() {
        assertThat(server.port()).isPositive();
    }

    void assertServerStillServes() throws Exception {
        HttpResponse<String> response = post("/mutate", Reviews.pod("nginx"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).path("response").path("allowed").asBoolean()).isTrue();
    }

    /** A server of its own, so that rotating its certificate cannot disturb the other tests. */
    @Test
    void refusesToStartWithAKeyThatIsNotTheCertificates(@TempDir Path dir) throws Exception {
        GeneratedCertificates one = GeneratedCertificates.create(dir.resolve("one"), List.of("localhost"));
        GeneratedCertificates other = GeneratedCertificates.create(dir.resolve("other"), List.of("localhost"));
        Files.copy(other.keyFile(), one.keyFile(), StandardCopyOption.REPLACE_EXISTING);

        assertThatThrownBy(() -> start(vertx, config(one, 0)))
                .hasMessageContaining("server.tls certFile " + one.certFile())
                .hasMessageContaining("the key does not belong to the certificate")
                .hasMessageNotContaining("PRIVATE KEY");
        Files.writeString(one.keyFile(), "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");
        assertThatThrownBy(() -> start(vertx, config(one, 0)))
                .hasMessageContaining("keyFile " + one.keyFile() + ": the key file is not a PEM private key")
                .hasMessageNotContaining("bm90IGEga2V5");
        assertServerStillServes();
    }

    @Test
    void reloadsRotatedCertificatesWithoutDroppingConnections(@TempDir Path dir) throws Exception {
        GeneratedCertificates first = GeneratedCertificates.create(dir, GeneratedCertificates.serviceNames("w", "ns"));
        ManualTimers timers = new ManualTimers(vertx);
        WebhookServer own = start(vertx, config(first, 0), new WebhookMetrics(), timers);
        try {
            URI uri = URI.create("https://localhost:" + own.port() + "/mutate");
            SSLSocket open = (SSLSocket) TestTls.trusting(first.caFile()).getSocketFactory()
                    .createSocket("localhost", own.port());
            open.setSoTimeout(5000);
            assertThat(keepAliveRequest(open)).startsWith("HTTP/1.1 200");
            Path saved = dir.resolve("first-ca.crt");
            Files.copy(first.caFile(), saved);

            GeneratedCertificates second = GeneratedCertificates.create(dir, GeneratedCertificates.serviceNames("w", "ns"));
            HttpClient newClient = client(HttpClient.Version.HTTP_2, second.caFile());
            assertThatThrownBy(() -> send(newClient, uri)).as("the new files are read at the next check, not before")
                    .isInstanceOf(SSLHandshakeException.class);
            timers.advance(Duration.ofMillis(CERT_RELOAD_MILLIS));
            Await.until(WAIT, () -> send(newClient, uri).statusCode() == 200, () -> "the new certificate to be served");
            // The connection opened before the rotation keeps working.
            assertThat(keepAliveRequest(open)).startsWith("HTTP/1.1 200");
            open.close();
            // A client that trusts only the old CA cannot open a new connection.
            HttpClient stale = client(HttpClient.Version.HTTP_2, saved);
            assertThatThrownBy(() -> send(stale, uri)).hasRootCauseInstanceOf(CertPathValidatorException.class)
                    .isInstanceOf(SSLHandshakeException.class);
        } finally {
            own.stop().await(10, TimeUnit.SECONDS);
        }
    }

    /**
     * cert-manager renews the serving certificate under the same CA while reviews keep coming
     * over HTTP/2 and HTTP/1.1, on kept connections and on new ones: no request fails, and new
     * connections get each new certificate. The load is real; the checks of the files happen
     * when the test moves the server's timers, once each renewal is written.
     */
    @Test
    void rotationUnderLoadFailsNoRequest(@TempDir Path dir) throws Exception {
        CertificateAuthority ca = CertificateAuthority.create();
        List<String> names = GeneratedCertificates.serviceNames("w", "ns");
        GeneratedCertificates files = GeneratedCertificates.write(dir, ca.certificatePem(), ca.issue(names, Duration.ofDays(1)));
        ManualTimers timers = new ManualTimers(vertx);
        WebhookServer own = start(vertx, config(files, 0), new WebhookMetrics(), timers);
        URI uri = URI.create("https://localhost:" + own.port() + "/mutate");
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger answered = new AtomicInteger();
        List<String> failures = new CopyOnWriteArrayList<>();
        ExecutorService load = Executors.newFixedThreadPool(4);
        try {
            for (int i = 0; i < 4; i++) {
                boolean fresh = i % 2 == 0; // half the workers open a new connection for every review
                HttpClient.Version version = i < 2 ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1;
                load.submit(() -> {
                    HttpClient kept = client(version, files.caFile());
                    while (running.get()) {
                        try {
                            HttpResponse<String> response = send(fresh ? client(version, files.caFile()) : kept, uri);
                            if (response.statusCode() == 200) {
                                answered.incrementAndGet();
                            } else {
                                failures.add(response.statusCode() + " " + response.body());
                            }
                        } catch (Exception e) {
                            failures.add(e.toString());
                        }
                    }
                    return null;
                });
            }
            for (int rotation = 1; rotation <= 5; rotation++) {
                awaitMoreAnswers(answered, "before rotation " + rotation);
                ServingCertificate renewed = ca.issue(names, Duration.ofDays(1));
                GeneratedCertificates.write(dir, ca.certificatePem(), renewed);
                timers.advance(Duration.ofMillis(CERT_RELOAD_MILLIS));
                BigInteger serial = renewed.certificate().getSerialNumber();
                Await.until(WAIT, () -> servedSerial(own.port(), files.caFile()).equals(serial),
                        () -> "new connections to get the certificate of the renewal just written");
            }
            awaitMoreAnswers(answered, "after the last rotation");
            running.set(false);
            load.shutdown();
            assertThat(load.awaitTermination(20, TimeUnit.SECONDS)).isTrue();
            assertThat(failures).as("failed requests").isEmpty();
            assertThat(answered.get()).as("reviews answered during the rotations").isGreaterThan(50);
        } finally {
            running.set(false);
            load.shutdownNow();
            own.stop().await(10, TimeUnit.SECONDS);
        }
    }

    /** Ten more reviews answered: the load goes on across each step of a test. */
    static void awaitMoreAnswers(AtomicInteger answered, String when) {
        int before = answered.get();
        Await.until(WAIT, () -> answered.get() >= before + 10, () -> "ten more reviews answered " + when
                + " (" + (answered.get() - before) + " were)");
    }

    static BigInteger servedSerial(int port, Path ca) throws Exception {
        try (SSLSocket socket = (SSLSocket) TestTls.trusting(ca).getSocketFactory().createSocket("localhost", port)) {
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }

    /** One HTTP/1.1 keep-alive request on an open socket; returns the response as text. */
    static String keepAliveRequest(SSLSocket socket) throws Exception {
        RawHttp.post(socket.getOutputStream(), "/mutate", Reviews.pod("nginx").getBytes(StandardCharsets.UTF_8));
        return RawHttp.readResponse(socket.getInputStream());
    }

    static HttpResponse<String> send(HttpClient client, URI uri) throws Exception {
        return client.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.ofString(Reviews.pod("nginx"))).build(), HttpResponse.BodyHandlers.ofString());
    }
}
