package io.github.imagepullwebhook.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.imagepullwebhook.credentials.RegistryCredential;
import io.github.imagepullwebhook.image.ImageReference;
import io.github.imagepullwebhook.testing.Await;
import io.github.imagepullwebhook.testing.LoopbackGuard;
import io.github.imagepullwebhook.testing.TestClock;
import io.github.imagepullwebhook.testing.TestRegistry;
import io.github.imagepullwebhook.tls.GeneratedCertificates;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS by default with an extra CA, and a registry that rate-limits. */
class RegistryFaultsTest {

    final Vertx vertx = Vertx.vertx();
    @TempDir
    Path dir;

    @AfterEach
    void close() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    static String get(CompletionStage<String> stage) throws Exception {
        return Await.result(stage);
    }

    @Test
    void httpsIsTheDefaultAndTheConfiguredCaIsTrusted() throws Exception {
        GeneratedCertificates certificates = GeneratedCertificates.create(dir.resolve("tls"), List.of("localhost"));
        try (TestRegistry registry = TestRegistry.https(Files.createDirectories(dir.resolve("r")), certificates)) {
            String digest = registry.push("secure/app", "1", "amd64");
            ImageReference image = ImageReference.parse(registry.host() + "/secure/app:1");
            RegistryClient trusting = new RegistryClient(vertx, new HttpClientOptions().setTrustOptions(
                    new PemTrustOptions().addCertPath(certificates.caFile().toString())), Set.of(), 5_000, LoopbackGuard.of(vertx));
            assertThat(get(trusting.resolve(image, List.of()))).isEqualTo(digest);
            RegistryClient untrusting = new RegistryClient(vertx, new HttpClientOptions(), Set.of(), 5_000,
                    LoopbackGuard.of(vertx));
            assertThatThrownBy(() -> get(untrusting.resolve(image, List.of()))).isInstanceOf(RegistryException.class)
                    .hasMessageStartingWith(registry.host() + ": ");
        }
    }

    @Test
    void withoutDockerContentDigestTheExactManifestBytesAreHashedAndBoundedInSize() throws Exception {
        byte[] manifest = "{\"schemaVersion\":2,  \"note\":\"odd spacing is part of the digest\"}".getBytes();
        AtomicInteger gets = new AtomicInteger();
        HttpServer noHeader = vertx.createHttpServer().requestHandler(request -> {
            if (request.path().contains("/huge/")) {
                request.response().setChunked(true);
                for (int i = 0; i < 6; i++) {
                    request.response().write(Buffer.buffer(new byte[1024 * 1024]));
                }
                request.response().end();
                return;
            }
            if (request.method() == HttpMethod.GET) {
                gets.incrementAndGet();
            }
            request.response().putHeader("Content-Type", "application/vnd.oci.image.manifest.v1+json")
                    .end(Buffer.buffer(manifest));
        });
        noHeader.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        String host = "127.0.0.1:" + noHeader.actualPort();
        RegistryClient client = new RegistryClient(vertx, new HttpClientOptions(), Set.of(host), 5_000,
                LoopbackGuard.of(vertx));
        assertThat(get(client.resolve(ImageReference.parse(host + "/plain/app:1"), List.of())))
                .isEqualTo(TestRegistry.sha256(manifest));
        assertThat(gets).hasValue(1);
        assertThatThrownBy(() -> get(client.resolve(ImageReference.parse(host + "/huge/app:1"), List.of())))
                .hasMessageContaining("larger than " + RegistryClient.MAX_MANIFEST_BYTES + " bytes");
    }

    @Test
    void aRedirectToAnotherHostDropsTheAuthorizationHeader() throws Exception {
        List<String> seenElsewhere = new CopyOnWriteArrayList<>();
        HttpServer elsewhere = vertx.createHttpServer().requestHandler(request -> {
            seenElsewhere.add(String.valueOf(request.getHeader("Authorization")));
            request.response().putHeader("Docker-Content-Digest", "sha256:" + "a".repeat(64)).end();
        });
        elsewhere.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        HttpServer registry = vertx.createHttpServer().requestHandler(request -> {
            if (request.getHeader("Authorization") == null) {
                request.response().setStatusCode(401).putHeader("WWW-Authenticate", "Basic realm=\"r\"").end();
            } else {
                request.response().setStatusCode(307).putHeader("Location",
                        "http://127.0.0.1:" + elsewhere.actualPort() + request.path()).end();
            }
        });
        registry.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        String host = "127.0.0.1:" + registry.actualPort();
        RegistryClient client = new RegistryClient(vertx, new HttpClientOptions(), Set.of(host), 5_000,
                LoopbackGuard.of(vertx));
        var credential = new RegistryCredential("alice", "s3cret", "", "secret a/r");
        assertThat(get(client.resolve(ImageReference.parse(host + "/team/app:1"), List.of(credential))))
                .isEqualTo("sha256:" + "a".repeat(64));
        assertThat(seenElsewhere).containsExactly("null");
    }

    @Test
    void a429IsHonouredForItsRetryAfterAndTheImageFailsFastMeanwhile() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        HttpServer limited = vertx.createHttpServer().requestHandler(request -> {
            requests.incrementAndGet();
            request.response().setStatusCode(429).putHeader("Retry-After", "30").end("{\"errors\":[{\"code\":\"TOOMANYREQUESTS\"}]}");
        });
        limited.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        String host = "127.0.0.1:" + limited.actualPort();
        TestClock clock = new TestClock(Instant.now());
        CachingResolver cache = new CachingResolver(new RegistryClient(vertx, new HttpClientOptions(), Set.of(host), 5_000,
                LoopbackGuard.of(vertx)), Duration.ofMinutes(1), Duration.ofSeconds(1), 100, new SimpleMeterRegistry(), clock);
        ImageReference image = ImageReference.parse(host + "/busy/app:1");

        assertThatThrownBy(() -> get(cache.resolve(image, List.of()))).hasMessage("rate limited by " + host + "; retry after 30 s");
        clock.advance(Duration.ofSeconds(30).minusMillis(1)); // far past the negative TTL, just inside Retry-After
        assertThatThrownBy(() -> get(cache.resolve(image, List.of()))).hasMessageContaining("rate limited");
        assertThat(requests).as("the second review did not reach the registry").hasValue(1);
        clock.advance(Duration.ofMillis(1));
        assertThatThrownBy(() -> get(cache.resolve(image, List.of()))).hasMessageContaining("rate limited");
        assertThat(requests).as("after Retry-After the registry is asked again").hasValue(2);
    }
}
