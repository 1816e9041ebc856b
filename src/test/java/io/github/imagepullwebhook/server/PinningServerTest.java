package io.github.imagepullwebhook.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.imagepullwebhook.admission.AdmissionService;
import io.github.imagepullwebhook.admission.Pinning;
import io.github.imagepullwebhook.admission.SkipRules;
import io.github.imagepullwebhook.config.Profile;
import io.github.imagepullwebhook.config.ServerConfig;
import io.github.imagepullwebhook.config.TlsConfig;
import io.github.imagepullwebhook.config.WebhookConfig;
import io.github.imagepullwebhook.credentials.Keyring;
import io.github.imagepullwebhook.credentials.StaticKeychain;
import io.github.imagepullwebhook.registry.CachingResolver;
import io.github.imagepullwebhook.registry.RegistryClient;
import io.github.imagepullwebhook.testing.LoopbackGuard;
import io.github.imagepullwebhook.testing.Reviews;
import io.github.imagepullwebhook.testing.TestRegistry;
import io.github.imagepullwebhook.testing.TestTls;
import io.github.imagepullwebhook.tls.GeneratedCertificates;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pinning through {@code /mutate} over real HTTPS, with the real registry's access log as the witness. */
class PinningServerTest {

    @TempDir
    Path dir;

    @Test
    void aBurstOf200ReviewsIsPinnedWithOneManifestRequest() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (TestRegistry registry = TestRegistry.anonymous(Files.createDirectories(dir.resolve("registry")))) {
            String digest = registry.push("burst/web", "1.27", "amd64");
            String image = registry.host() + "/burst/web:1.27";
            GeneratedCertificates files = GeneratedCertificates.create(dir.resolve("tls"), List.of("localhost"));
            WebhookConfig config = new WebhookConfig(new ServerConfig(0, new TlsConfig(files.certFile().toString(),
                    files.keyFile().toString()), -1, 1 << 20, 60_000, 0, 5_000, 10_000, 60_000),
                    Map.of("pin", new Profile(true, false, Profile.Scope.PODS, true, Profile.PinScope.ALL, false, false, List.of(), List.of())), List.of());
            Pinning pinning = new Pinning(new StaticKeychain(new Keyring()), new CachingResolver(
                    new RegistryClient(vertx, new HttpClientOptions(), Set.of(registry.host()), 5_000,
                            LoopbackGuard.of(vertx)),
                    Duration.ofMinutes(1), Duration.ofSeconds(5), 100), Duration.ofSeconds(2), false);
            WebhookServer server = WebhookServer.start(vertx, config,
                    new AdmissionService(new ObjectMapper(), new SkipRules(Set.of()), pinning), 2).await(20, TimeUnit.SECONDS);

            // HTTP/1.1: 200 concurrent reviews on their own connections (the JDK 17 HTTP/2 client stalls
            // past the server's 100 concurrent streams).
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .sslContext(TestTls.trusting(files.caFile())).build();
            // A running webhook is warm: a few reviews of another image first.
            String warm = registry.host() + "/burst/warm:1";
            registry.push("burst/warm", "1", "amd64");
            for (int i = 0; i < 20; i++) {
                http.send(HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + "/mutate/pin"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(Reviews.podIn("admission.k8s.io/v1", "w" + i, warm))).build(),
                        HttpResponse.BodyHandlers.discarding());
            }
            List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                burst.add(http.sendAsync(HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + "/mutate/pin"))
                        .header("Content-Type", "application/json").timeout(Duration.ofSeconds(20))
                        .POST(HttpRequest.BodyPublishers.ofString(Reviews.podIn("admission.k8s.io/v1", "u" + i, image)))
                        .build(), HttpResponse.BodyHandlers.ofString()));
            }
            CompletableFuture.allOf(burst.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

            for (CompletableFuture<HttpResponse<String>> response : burst) {
                JsonNode review = new ObjectMapper().readTree(response.join().body());
                assertThat(review.path("response").path("warnings").toString()).doesNotContain("not pinned");
                String patch = new String(Base64.getDecoder().decode(review.path("response").path("patch").asText()),
                        StandardCharsets.UTF_8);
                assertThat(patch).contains("{\"op\":\"replace\",\"path\":\"/spec/containers/0/image\",\"value\":\""
                        + image + "@" + digest + "\"}");
            }
            assertThat(registry.manifestRequests("burst/web")).isEqualTo(1);
            server.stop().await(10, TimeUnit.SECONDS);
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }
}
