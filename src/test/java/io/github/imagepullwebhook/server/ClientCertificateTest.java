package io.github.imagepullwebhook.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.imagepullwebhook.admission.AdmissionService;
import io.github.imagepullwebhook.admission.SkipRules;
import io.github.imagepullwebhook.config.WebhookConfig;
import io.github.imagepullwebhook.testing.Await;
import io.github.imagepullwebhook.testing.ManualTimers;
import io.github.imagepullwebhook.testing.Reviews;
import io.github.imagepullwebhook.testing.TestClock;
import io.github.imagepullwebhook.testing.TestTls;
import io.github.imagepullwebhook.tls.CertificateAuthority;
import io.github.imagepullwebhook.tls.CertificateAuthority.ServingCertificate;
import io.github.imagepullwebhook.tls.GeneratedCertificates;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpClient.Version;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code server.tls.clientCaFile} over real TLS, HTTP/1.1 and HTTP/2: only a caller holding a
 * certificate of the client CA with an accepted name gets reviews answered; the kubelet's probes
 * need none. The attacker is a pod that reaches the Service and forges a review to make the
 * webhook read another namespace's pull Secrets.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientCertificateTest {

    static final String APISERVER = "kube-apiserver";
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration DAY = Duration.ofDays(1);
    static final long RELOAD_MILLIS = 100;

    Path dir;
    Vertx vertx;
    CertificateAuthority servingCa;
    CertificateAuthority clientCa;
    GeneratedCertificates serving;
    Path clientCaFile;
    WebhookServer server;
    final WebhookMetrics metrics = new WebhookMetrics();

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        this.dir = dir;
        vertx = Vertx.vertx();
        servingCa = CertificateAuthority.create();
        serving = GeneratedCertificates.write(dir.resolve("serving"), servingCa.certificatePem(),
                servingCa.issue(GeneratedCertificates.serviceNames("w", "ns"), DAY));
        clientCa = CertificateAuthority.create();
        clientCaFile = Files.writeString(dir.resolve("client-ca.crt"), clientCa.certificatePem());
        server = start(config(clientCaFile, "[" + APISERVER + "]"), Clock.systemUTC(), metrics, Timers.of(vertx));
    }

    @AfterAll
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @ParameterizedTest
    @EnumSource(names = {"HTTP_1_1", "HTTP_2"})
    void withoutACertificateReviewsAreRefusedAndProbesServe(Version version) throws Exception {
        HttpClient anonymous = client(version, null);
        HttpResponse<String> mutate = post(anonymous, "/mutate");
        assertThat(mutate.version()).isEqualTo(version);
        assertThat(mutate.statusCode()).isEqualTo(401);
        JsonNode status = JSON.readTree(mutate.body());
        assertThat(status.path("kind").asText()).isEqualTo("Status");
        assertThat(status.path("code").asInt()).isEqualTo(401);
        assertThat(status.path("message").asText())
                .startsWith("a client certificate signed by server.tls.clientCaFile is required for /mutate");
        assertThat(JSON.readTree(post(anonymous, "/validate/default").body()).path("message").asText())
                .startsWith("a client certificate signed by server.tls.clientCaFile is required for /validate");
        for (String probe : List.of("/healthz", "/readyz")) {
            HttpResponse<String> answer = anonymous.send(HttpRequest.newBuilder(uri(server, probe)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(probe).isEqualTo(200);
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"HTTP_1_1", "HTTP_2"})
    void theApiserversCertificateIsAnswered(Version version) throws Exception {
        HttpClient apiserver = client(version, clientCa.issueClient(APISERVER, List.of(), Instant.now(), DAY));
        for (int i = 0; i < 2; i++) { // the second on the connection the first opened
            HttpResponse<String> answer = post(apiserver, "/mutate");
            assertThat(answer.version()).isEqualTo(version);
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(answer.body()).path("response").path("patch").asText()).isNotEmpty();
        }
    }

    @Test
    void anAcceptedDnsNameIsEnough() throws Exception {
        HttpClient caller = client(Version.HTTP_2, clientCa.issueClient("front-proxy", List.of(APISERVER), Instant.now(),
                DAY));
        assertThat(post(caller, "/mutate").statusCode()).isEqualTo(200);
    }

    @ParameterizedTest
    @EnumSource(names = {"HTTP_1_1", "HTTP_2"})
    void aCertificateOfTheClientCaWithAnotherNameIs403(Version version) throws Exception {
        HttpClient tenant = client(version, clientCa.issueClient("tenant-a", List.of("tenant-a.example"), Instant.now(),
                DAY));
        HttpResponse<String> answer = post(tenant, "/mutate");
        assertThat(answer.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(answer.body()).path("message").asText()).isEqualTo("the client certificate's names "
                + "[tenant-a, tenant-a.example] are not among server.tls.clientNames; /mutate answers only the apiserver");
    }

    /** The other CA even has the same name as the client CA: only its key differs. */
    @ParameterizedTest
    @EnumSource(names = {"HTTP_1_1", "HTTP_2"})
    void aCertificateOfAnotherCaIsRefusedInTheHandshake(Version version) throws Exception {
        CertificateAuthority other = CertificateAuthority.create();
        assertThat(other.certificate().getSubjectX500Principal()).isEqualTo(clientCa.certificate().getSubjectX500Principal());
        assertRefusedInTheHandshake(client(version, other.issueClient(APISERVER, List.of(), Instant.now(), DAY)));
    }

    @Test
    void aClientCertificateOfTheServingCaIsRefused() throws Exception {
        assertRefusedInTheHandshake(client(Version.HTTP_2, servingCa.issueClient(APISERVER, List.of(), Instant.now(), DAY)));
    }

    @Test
    void anExpiredCertificateIsRefusedInTheHandshake() throws Exception {
        ServingCertificate expired = clientCa.issueClient(APISERVER, List.of(), Instant.now().minus(Duration.ofDays(2)), DAY);
        assertRefusedInTheHandshake(client(Version.HTTP_2, expired));
    }

    @Test
    void refusalsAreCountedByType() throws Exception {
        post(client(Version.HTTP_2, null), "/mutate");
        post(client(Version.HTTP_2, clientCa.issueClient("tenant-b", List.of(), Instant.now(), DAY)), "/mutate");
        assertThat(metrics.scrape())
                .containsPattern("webhook_errors_total\\{type=\"client_certificate_missing\"} [1-9]")
                .containsPattern("webhook_errors_total\\{type=\"client_name_refused\"} [1-9]");
    }

    /**
     * The apiserver keeps its connections open for hours: a certificate that expires while one is
     * open stops being accepted on it, by the server's clock.
     */
    @ParameterizedTest
    @EnumSource(names = {"HTTP_1_1", "HTTP_2"})
    void aCertificateThatExpiresOnAnOpenConnectionIsRefusedFromThen(Version version) throws Exception {
        TestClock clock = new TestClock(Instant.now());
        WebhookServer own = start(config(clientCaFile, "[]"), clock);
        try {
            HttpClient apiserver = client(version,
                    clientCa.issueClient(APISERVER, List.of(), clock.instant(), Duration.ofHours(1)));
            assertThat(post(apiserver, own, "/mutate").statusCode()).isEqualTo(200);
            clock.advance(Duration.ofMinutes(59));
            assertThat(post(apiserver, own, "/mutate").statusCode()).isEqualTo(200);
            clock.advance(Duration.ofMinutes(7)); // past the hour and the issuer's five minutes of slack
            HttpResponse<String> expired = post(apiserver, own, "/mutate");
            assertThat(expired.statusCode()).isEqualTo(401);
            assertThat(JSON.readTree(expired.body()).path("message").asText()).contains("not now")
                    .endsWith("a valid client certificate signed by server.tls.clientCaFile is required for /mutate");
        } finally {
            own.stop().await(10, TimeUnit.SECONDS);
        }
    }

    /**
     * The client CA file reloads like the serving pair: a new CA is trusted without a restart, and
     * a CA taken out of the file is refused at once, on connections opened while it was in it.
     */
    @Test
    void aReplacedClientCaIsTrustedAndTheOldOneRefusedOnOpenConnections(@TempDir Path own) throws Exception {
        Path caFile = Files.writeString(own.resolve("client-ca.crt"), clientCa.certificatePem());
        ManualTimers timers = new ManualTimers(vertx);
        WebhookServer server = start(config(caFile, "[]"), Clock.systemUTC(), new WebhookMetrics(), timers);
        try {
            HttpClient before = client(Version.HTTP_2, clientCa.issueClient(APISERVER, List.of(), Instant.now(), DAY));
            assertThat(post(before, server, "/mutate").statusCode()).isEqualTo(200);

            CertificateAuthority next = CertificateAuthority.create();
            Path written = Files.writeString(own.resolve(".client-ca.crt.new"), next.certificatePem());
            Files.move(written, caFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            HttpClient after = client(Version.HTTP_2, next.issueClient(APISERVER, List.of(), Instant.now(), DAY));
            assertThat(answered(after, server)).as("the new CA, before the next check of the files").isFalse();
            timers.advance(Duration.ofMillis(RELOAD_MILLIS));
            Await.until(WebhookServerTest.WAIT, () -> answered(after, server), () -> "the new CA's certificate to be accepted");
            HttpResponse<String> old = post(before, server, "/mutate");
            assertThat(old.statusCode()).as("the old CA's certificate, on its open connection").isEqualTo(401);
            assertThat(JSON.readTree(old.body()).path("message").asText())
                    .startsWith("the client certificate is not valid for server.tls.clientCaFile");
        } finally {
            server.stop().await(10, TimeUnit.SECONDS);
        }
    }

    /** Refusing the serving CA is not about that CA: configured as the client CA, it is trusted. */
    @Test
    void theServingCaIsTrustedWhenItIsTheClientCa() throws Exception {
        WebhookServer own = start(config(serving.caFile(), "[]"), Clock.systemUTC());
        try {
            HttpClient caller = client(Version.HTTP_2, servingCa.issueClient("anyone", List.of(), Instant.now(), DAY));
            assertThat(post(caller, own, "/mutate").statusCode()).isEqualTo(200);
        } finally {
            own.stop().await(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aClientCaFileWithoutACertificateFailsStartNamingIt() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty-ca.crt"), "# the CA goes here\n");
        assertThatThrownBy(() -> start(config(empty, "[]"), Clock.systemUTC()))
                .hasMessageContaining("server.tls.clientCaFile " + empty + ": ");
        Path missing = dir.resolve("missing-ca.crt");
        assertThatThrownBy(() -> start(config(missing, "[]"), Clock.systemUTC())).hasMessageContaining(missing.toString());
    }

    /**
     * The server's alert, or, on TLS 1.3 where the client's handshake ends before the server has
     * checked its certificate, the connection closed under the request being written.
     */
    private void assertRefusedInTheHandshake(HttpClient caller) {
        assertThatThrownBy(() -> post(caller, "/mutate")).isInstanceOf(IOException.class)
                .hasMessageMatching("Received fatal alert: certificate_unknown|Broken pipe|Connection reset");
    }

    private boolean answered(HttpClient client, WebhookServer target) {
        try {
            return post(client, target, "/mutate").statusCode() == 200;
        } catch (Exception notYet) {
            return false;
        }
    }

    private WebhookConfig config(Path caFile, String names) {
        return WebhookConfig.parse("""
                server:
                  port: 0
                  metricsPort: -1
                  certReload: %dms
                  shutdownDelay: 0s
                  tls: {certFile: %s, keyFile: %s, clientCaFile: %s, clientNames: %s}
                """.formatted(RELOAD_MILLIS, serving.certFile(), serving.keyFile(), caFile, names));
    }

    private WebhookServer start(WebhookConfig config, Clock clock) throws Exception {
        return start(config, clock, new WebhookMetrics(), Timers.of(vertx));
    }

    private WebhookServer start(WebhookConfig config, Clock clock, WebhookMetrics meters, Timers timers) throws Exception {
        AdmissionService service = new AdmissionService(new ObjectMapper(), new SkipRules(Set.of()));
        return WebhookServer.start(vertx, config, service, 2, meters, clock, timers).await(20, TimeUnit.SECONDS);
    }

    private HttpClient client(Version version, ServingCertificate certificate) throws Exception {
        return HttpClient.newBuilder().version(version).connectTimeout(Duration.ofSeconds(5))
                .sslContext(certificate == null ? TestTls.trusting(serving.caFile())
                        : TestTls.presenting(serving.caFile(), certificate)).build();
    }

    private HttpResponse<String> post(HttpClient client, String path) throws Exception {
        return post(client, server, path);
    }

    private static HttpResponse<String> post(HttpClient client, WebhookServer target, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(uri(target, path)).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(Reviews.pod("nginx:1.25")))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(WebhookServer target, String path) {
        return URI.create("https://localhost:" + target.port() + path);
    }
}
