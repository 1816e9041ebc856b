package io.github.imagepullwebhook.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.imagepullwebhook.credentials.RegistryCredential;
import io.github.imagepullwebhook.image.ImageReference;
import io.github.imagepullwebhook.testing.Await;
import io.github.imagepullwebhook.testing.LoopbackGuard;
import io.github.imagepullwebhook.testing.TestClock;
import io.github.imagepullwebhook.testing.TestRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The cache in front of the real registry client, counting the round trips that reach the registry. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CachingResolverTest {

    static final RegistryCredential TENANT_A = new RegistryCredential("alice", "s3cret", "", "secret a/regcred");
    static final RegistryCredential TENANT_B = new RegistryCredential("alice", "guess", "", "secret b/regcred");

    Vertx vertx;
    TestRegistry open;
    TestRegistry guarded;
    RegistryClient client;

    /** The real client, counting calls. */
    final class Counting implements DigestResolver {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public CompletionStage<String> resolve(ImageReference image, List<RegistryCredential> credentials) {
            calls.incrementAndGet();
            return client.resolve(image, credentials);
        }
    }

    @BeforeAll
    void start() throws Exception {
        open = TestRegistry.anonymous(Files.createTempDirectory("cache-open"));
        guarded = TestRegistry.basic(Files.createTempDirectory("cache-basic"), "alice", "s3cret");
        vertx = Vertx.vertx();
        client = new RegistryClient(vertx, new HttpClientOptions(), Set.of(open.host(), guarded.host()), 5_000,
                LoopbackGuard.of(vertx));
    }

    @AfterAll
    void stop() throws Exception {
        open.close();
        guarded.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    static String get(CompletionStage<String> stage) throws Exception {
        return Await.result(stage);
    }

    @Test
    void aBurstOf200ReviewsMakesOneRegistryRoundTrip() throws Exception {
        String pushed = open.push("burst/app", "1", "amd64");
        Counting counting = new Counting();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        CachingResolver cache = new CachingResolver(counting, Duration.ofMinutes(1), Duration.ofSeconds(5), 1000, meters);
        ImageReference image = ImageReference.parse(open.host() + "/burst/app:1");
        List<CompletableFuture<String>> burst = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            burst.add(cache.resolve(image, List.of()).toCompletableFuture());
        }
        CompletableFuture.allOf(burst.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
        assertThat(burst).allSatisfy(f -> assertThat(f.join()).isEqualTo(pushed));
        assertThat(counting.calls).hasValue(1);
        assertThat(meters.counter("webhook_digest_cache", "result", "miss").count()).isEqualTo(1);
        assertThat(meters.counter("webhook_digest_cache", "result", "hit").count()).isEqualTo(199);
        assertThat(meters.counter("webhook_digest_resolutions", "outcome", "resolved").count()).isEqualTo(200);
        assertThat(meters.timer("webhook_registry_request_duration", "outcome", "resolved").count()).isEqualTo(1);
    }

    @Test
    void aDigestResolvedWithOneTenantsCredentialsIsNotServedToAnother() throws Exception {
        String pushed = guarded.push("tenant/app", "1", "amd64");
        Counting counting = new Counting();
        CachingResolver cache = new CachingResolver(counting, Duration.ofMinutes(1), Duration.ofSeconds(5), 1000);
        ImageReference image = ImageReference.parse(guarded.host() + "/tenant/app:1");

        assertThat(get(cache.resolve(image, List.of(TENANT_A)))).isEqualTo(pushed);
        assertThat(get(cache.resolve(image, List.of(TENANT_A)))).isEqualTo(pushed);
        assertThat(counting.calls).as("same credentials: from the cache").hasValue(1);

        assertThatThrownBy(() -> get(cache.resolve(image, List.of(TENANT_B)))).hasMessageContaining("unauthorized");
        assertThatThrownBy(() -> get(cache.resolve(image, List.of()))).hasMessageContaining("unauthorized");
        assertThat(counting.calls).as("other credentials and anonymous asked the registry themselves").hasValue(3);
    }

    @Test
    void failuresAreRememberedBrieflyAndDigestsUntilTheTtl() throws Exception {
        Counting counting = new Counting();
        Duration ttl = Duration.ofMinutes(5);
        Duration negativeTtl = Duration.ofSeconds(10);
        TestClock clock = new TestClock(Instant.now());
        CachingResolver cache = new CachingResolver(counting, ttl, negativeTtl, 1000, new SimpleMeterRegistry(), clock);
        ImageReference image = ImageReference.parse(open.host() + "/moving/app:latest");

        assertThatThrownBy(() -> get(cache.resolve(image, List.of()))).hasMessageContaining("not found");
        String first = open.push("moving/app", "latest", "amd64");
        clock.advance(negativeTtl.minusMillis(1));
        assertThatThrownBy(() -> get(cache.resolve(image, List.of()))).hasMessageContaining("not found");
        assertThat(counting.calls).as("a broken tag is not asked again within the negative TTL").hasValue(1);

        clock.advance(Duration.ofMillis(1));
        assertThat(get(cache.resolve(image, List.of()))).as("after the negative TTL").isEqualTo(first);
        String second = open.push("moving/app", "latest", "arm64");
        clock.advance(ttl.minusMillis(1));
        assertThat(get(cache.resolve(image, List.of()))).as("within the TTL").isEqualTo(first);
        assertThat(counting.calls).hasValue(2);
        clock.advance(Duration.ofMillis(1));
        assertThat(get(cache.resolve(image, List.of()))).as("after the TTL the moved tag is seen").isEqualTo(second);
    }
}
