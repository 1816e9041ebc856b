package io.github.imagepullwebhook.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.imagepullwebhook.credentials.RegistryCredential;
import io.github.imagepullwebhook.image.ImageReference;
import io.github.imagepullwebhook.testing.Await;
import io.github.imagepullwebhook.testing.LoopbackGuard;
import io.github.imagepullwebhook.testing.RecordingProxy;
import io.github.imagepullwebhook.testing.TestClock;
import io.github.imagepullwebhook.testing.TestRegistry;
import io.github.imagepullwebhook.testing.TestTokenServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A cold resolution on a registry that refused anonymous requests a moment ago costs one
 * manifest request, counted in the real registries' access logs (htpasswd Basic, and token auth
 * with the registry checking the tokens), and credentials still go only where a registry asked
 * for them. Each test uses repositories of its own, and a client (so a memory) of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChallengeMemoryTest {

    static final RegistryCredential RIGHT = new RegistryCredential("alice", "s3cret", "", "secret team-a/regcred");

    Vertx vertx;
    Path dir;
    TestRegistry basic;
    TestRegistry otherBasic;
    TestRegistry open;
    TestTokenServer tokens;
    TestRegistry token;
    TestRegistry tokenPusher;
    TestClock clock;
    RegistryClient client;
    RecordingProxy proxy;
    final AtomicInteger repositories = new AtomicInteger();
    /** Digests of what {@link #pushed} pushed, by repository. */
    final Map<String, String> digests = new ConcurrentHashMap<>();

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("challenge-memory");
        vertx = Vertx.vertx();
        basic = TestRegistry.basic(Files.createDirectory(dir.resolve("basic")), "alice", "s3cret");
        otherBasic = TestRegistry.basic(Files.createDirectory(dir.resolve("other-basic")), "alice", "s3cret");
        open = TestRegistry.anonymous(dir.resolve("open"));
        tokens = TestTokenServer.start(vertx, dir, "alice", "s3cret");
        token = TestRegistry.token(dir.resolve("token"), tokens);
        tokenPusher = TestRegistry.sharing(dir.resolve("token"), token);
    }

    @AfterAll
    void stop() throws Exception {
        for (TestRegistry registry : new TestRegistry[] {basic, otherBasic, open, token, tokenPusher}) {
            if (registry != null) {
                registry.close();
            }
        }
        tokens.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @BeforeEach
    void freshClient() {
        clock = new TestClock(Instant.now());
        tokens.authorizations.clear();
    }

    @AfterEach
    void closeProxy() {
        if (proxy != null) {
            proxy.close();
            proxy = null;
        }
    }

    /** A client that speaks plain HTTP to {@code hosts}, trusts the token server, and measures time with {@link #clock}. */
    RegistryClient client(String... hosts) {
        client = new RegistryClient(vertx, new HttpClientOptions().setTrustOptions(new PemTrustOptions()
                .addCertPath(tokens.caFile().toString())), Set.of(hosts), 5_000, LoopbackGuard.of(vertx), clock);
        return client;
    }

    /** A repository no other test uses, pushed with tag 1.0 to {@code registry}; its name. */
    String pushed(TestRegistry registry) throws Exception {
        String repository = "memory/app" + repositories.incrementAndGet();
        digests.put(repository, registry.push(repository, "1.0", "amd64"));
        return repository;
    }

    String resolve(String host, String repository, RegistryCredential... credentials) throws Exception {
        return Await.result(client.resolve(ImageReference.parse(host + "/" + repository + ":1.0"), List.of(credentials)));
    }

    @Test
    void aSecondImageOnABasicRegistryCostsOneRequest() throws Exception {
        client(basic.host());
        String first = pushed(basic);
        String second = pushed(basic);
        resolve(basic.host(), first, RIGHT);
        assertThat(basic.manifestRequests(first)).as("never seen: anonymous, then Basic").isEqualTo(2);
        resolve(basic.host(), second, RIGHT);
        assertThat(basic.manifestRequests(second)).as("remembered: Basic at once").isEqualTo(1);
    }

    @Test
    void aSecondImageOnATokenRegistryCostsOneRequestWithATokenForItsOwnRepository() throws Exception {
        client(token.host());
        String first = pushed(tokenPusher);
        String second = pushed(tokenPusher);
        resolve(token.host(), first, RIGHT);
        assertThat(token.manifestRequests(first)).as("never seen: anonymous, then Bearer").isEqualTo(2);
        assertThat(resolve(token.host(), second, RIGHT)).isEqualTo(digests.get(second));
        assertThat(token.manifestRequests(second)).as("remembered: Bearer at once").isEqualTo(1);
        assertThat(tokens.authorizations).as("one token per repository, each with the credential")
                .containsExactly(TokenAuthTest.basic(RIGHT), TokenAuthTest.basic(RIGHT));
    }

    @Test
    void aRegistryNeverSeenGetsTheFullHandshakeEvenOnTheSameHost() throws Exception {
        client(basic.host(), otherBasic.host());
        resolve(basic.host(), pushed(basic), RIGHT);
        String elsewhere = pushed(otherBasic);
        resolve(otherBasic.host(), elsewhere, RIGHT);
        assertThat(otherBasic.manifestRequests(elsewhere)).as("another port is another registry: anonymous first")
                .isEqualTo(2);
        String again = pushed(otherBasic);
        resolve(otherBasic.host(), again, RIGHT);
        assertThat(otherBasic.manifestRequests(again)).as("now it is known too").isEqualTo(1);
    }

    @Test
    void anAnonymousRegistryNeverReceivesCredentials() throws Exception {
        proxy = RecordingProxy.to(vertx, open);
        client(basic.host(), proxy.host());
        resolve(basic.host(), pushed(basic), RIGHT);
        for (int i = 0; i < 2; i++) {
            String repository = pushed(open);
            assertThat(resolve(proxy.host(), repository, RIGHT)).isEqualTo(digests.get(repository));
            assertThat(open.manifestRequests(repository)).as("anonymous and accepted").isEqualTo(1);
        }
        assertThat(proxy.seen).hasSize(2);
        assertThat(proxy.authorized()).as("a registry that never asked is never sent a credential").isEmpty();
        String second = pushed(basic);
        resolve(basic.host(), second, RIGHT);
        assertThat(basic.manifestRequests(second)).as("while the registry that asked is remembered").isEqualTo(1);
    }

    @Test
    void theMemoryExpiresByTheInjectedTicker() throws Exception {
        client(basic.host());
        resolve(basic.host(), pushed(basic), RIGHT);
        clock.advance(ChallengeMemory.LIFETIME.minusMillis(1));
        String within = pushed(basic);
        resolve(basic.host(), within, RIGHT);
        assertThat(basic.manifestRequests(within)).as("just within the lifetime").isEqualTo(1);
        clock.advance(Duration.ofMillis(1));
        String after = pushed(basic);
        resolve(basic.host(), after, RIGHT);
        assertThat(basic.manifestRequests(after)).as("expired: the full handshake").isEqualTo(2);
    }

    /** Basic remembered, then token auth behind the same address: refused, forgotten, learned again. */
    @Test
    void aChangedChallengeFallsBackToTheFullHandshake() throws Exception {
        proxy = RecordingProxy.to(vertx, basic);
        client(proxy.host());
        resolve(proxy.host(), pushed(basic), RIGHT);
        proxy.routeTo(token);
        String changed = pushed(tokenPusher);
        assertThat(resolve(proxy.host(), changed, RIGHT)).isEqualTo(digests.get(changed));
        assertThat(proxy.seen.stream().filter(s -> s.path().contains(changed)).map(s -> s.authorization().split(" ")[0]))
                .as("Basic as remembered (refused), anonymous, then Bearer")
                .containsExactly("Basic", "", "Bearer");
        String next = pushed(tokenPusher);
        resolve(proxy.host(), next, RIGHT);
        assertThat(token.manifestRequests(next)).as("the new challenge is remembered").isEqualTo(1);
    }

    /** An anonymous request that is answered forgets the registry: credentials wait until it asks again. */
    @Test
    void aRegistryThatNowAllowsAnonymousIsForgotten() throws Exception {
        proxy = RecordingProxy.to(vertx, basic);
        client(proxy.host());
        resolve(proxy.host(), pushed(basic), RIGHT);
        proxy.routeTo(open);
        resolve(proxy.host(), pushed(open));
        int before = proxy.authorized().size();
        String later = pushed(open);
        resolve(proxy.host(), later, RIGHT);
        assertThat(proxy.authorized()).as("no credential once anonymous was accepted").hasSize(before);
        assertThat(open.manifestRequests(later)).isEqualTo(1);
        String guarded = pushed(basic);
        proxy.routeTo(basic);
        resolve(proxy.host(), guarded, RIGHT);
        assertThat(basic.manifestRequests(guarded)).as("asked again: anonymous, then Basic").isEqualTo(2);
        String second = pushed(basic);
        resolve(proxy.host(), second, RIGHT);
        assertThat(basic.manifestRequests(second)).as("and remembered again").isEqualTo(1);
    }
}
