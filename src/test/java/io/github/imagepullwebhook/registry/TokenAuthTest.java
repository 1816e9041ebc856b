package io.github.imagepullwebhook.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.imagepullwebhook.credentials.RegistryCredential;
import io.github.imagepullwebhook.image.ImageReference;
import io.github.imagepullwebhook.testing.Await;
import io.github.imagepullwebhook.testing.LoopbackGuard;
import io.github.imagepullwebhook.testing.TestRegistry;
import io.github.imagepullwebhook.testing.TestTokenServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.PemTrustOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The registry in {@code auth.token} mode with a token server of the test's own: the registry
 * itself checks the signed tokens the webhook obtains, and the token server records what
 * credentials reached it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenAuthTest {

    static final RegistryCredential WRONG = new RegistryCredential("alice", "wrong", "", "secret team-a/old");
    static final RegistryCredential RIGHT = new RegistryCredential("alice", "s3cret", "", "secret team-a/regcred");

    Vertx vertx;
    TestTokenServer tokens;
    TestRegistry registry;
    TestRegistry pusher;
    RegistryClient client;
    String pushed;

    @BeforeAll
    void start() throws Exception {
        Path dir = Files.createTempDirectory("registry-token");
        vertx = Vertx.vertx();
        tokens = TestTokenServer.start(vertx, dir, "alice", "s3cret");
        registry = TestRegistry.token(dir.resolve("guarded"), tokens);
        pusher = TestRegistry.sharing(dir, registry);
        pushed = pusher.push("private/app", "1.0", "amd64");
    }

    @AfterAll
    void stop() throws Exception {
        registry.close();
        pusher.close();
        tokens.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    /** A client of its own per test: tokens it caches must not carry over between tests. */
    @BeforeEach
    void forget() {
        tokens.authorizations.clear();
        tokens.refreshTokens.clear();
        client = client(LoopbackGuard.of(vertx));
    }

    RegistryClient client(ConnectionPolicy policy) {
        return new RegistryClient(vertx, new HttpClientOptions().setTrustOptions(
                new PemTrustOptions().addCertPath(tokens.caFile().toString())), Set.of(registry.host()), 5_000, policy);
    }

    /** The realm's host:port, as an allow pattern names it. */
    String realmAuthority() {
        return URI.create(tokens.realm()).getAuthority();
    }

    @Test
    void aRealmTheRulesNameWorksWithOnlyTheRegistryAndTheRealmAllowed() throws Exception {
        RegistryClient narrow = client(new HostGuard(vertx, List.of(registry.host(), realmAuthority()), List.of()));
        assertThat(resolve(narrow, registry.host() + "/private/app:1.0", RIGHT)).isEqualTo(pushed);
        assertThat(tokens.authorizations).containsExactly(basic(RIGHT));
    }

    /** The real registry's realm, on a port the rules do not name: no credential, no request, a clear refusal. */
    @Test
    void aRealmTheRulesDoNotNameIsNeverAsked() {
        RegistryClient registryOnly = client(new HostGuard(vertx, List.of(registry.host()), List.of()));
        assertThatThrownBy(() -> resolve(registryOnly, registry.host() + "/private/app:1.0", RIGHT))
                .isInstanceOf(RegistryException.class)
                .hasMessage("token realm " + realmAuthority() + " matches no registry.allow pattern; not contacted");
        assertThat(tokens.authorizations).isEmpty();
    }

    String resolve(String image, RegistryCredential... credentials) throws Exception {
        return Await.result(client.resolve(ImageReference.parse(image), List.of(credentials)));
    }

    @Test
    void aTokenFromTheRealmOpensTheManifest() throws Exception {
        assertThat(resolve(registry.host() + "/private/app:1.0", WRONG, RIGHT)).isEqualTo(pushed);
        assertThat(tokens.authorizations).containsExactly(basic(WRONG), basic(RIGHT));
    }

    @Test
    void tokensAreReusedUntilTheyExpire() throws Exception {
        pusher.push("private/app", "1.1", "amd64");
        RegistryClient fresh = client;
        resolve(fresh, registry.host() + "/private/app:1.0", RIGHT);
        resolve(fresh, registry.host() + "/private/app:1.1", RIGHT);
        assertThat(tokens.authorizations).as("one token for both tags (expires_in is 300 s)").containsExactly(basic(RIGHT));
        resolve(fresh, registry.host() + "/private/app:1.0", WRONG, RIGHT);
        assertThat(tokens.authorizations).as("another credential gets a token of its own")
                .containsExactly(basic(RIGHT), basic(WRONG));
    }

    static String resolve(RegistryClient client, String image, RegistryCredential... credentials) throws Exception {
        return Await.result(client.resolve(ImageReference.parse(image), List.of(credentials)));
    }

    @Test
    void anonymousTokensDoNotOpenIt() {
        assertThatThrownBy(() -> resolve(registry.host() + "/private/app:1.0"))
                .isInstanceOf(RegistryException.class)
                .hasMessage("unauthorized at " + registry.host() + " (refused: anonymous)");
        assertThat(tokens.authorizations).as("no credential was sent").containsOnly("");
    }

    @Test
    void anIdentityTokenIsExchangedWithTheRefreshTokenGrant() throws Exception {
        RegistryCredential identity = new RegistryCredential("", "", TestTokenServer.REFRESH_TOKEN, "secret team-a/sso");
        assertThat(resolve(registry.host() + "/private/app:1.0", identity)).isEqualTo(pushed);
        assertThat(tokens.refreshTokens).containsExactly(TestTokenServer.REFRESH_TOKEN);
        assertThat(tokens.authorizations).as("no Basic auth with an identity token").isEmpty();
    }

    @Test
    void onlyTheCredentialsThatMatchThisRegistryAreEverSent() throws Exception {
        io.github.imagepullwebhook.credentials.Keyring keyring = new io.github.imagepullwebhook.credentials.Keyring()
                .add(java.util.Map.of(registry.host(), RIGHT))
                .add(java.util.Map.of("other.example.com", new RegistryCredential("mallory", "other-tenant", "", "secret b/x")))
                .add(java.util.Map.of("127.0.0.1:1", new RegistryCredential("eve", "wrong-port", "", "secret c/y")));
        ImageReference image = ImageReference.parse(registry.host() + "/private/app:1.0");
        assertThat(client.resolve(image, keyring.lookup(image)).toCompletableFuture().get(20, TimeUnit.SECONDS))
                .isEqualTo(pushed);
        assertThat(tokens.authorizations).containsExactly(basic(RIGHT));
    }

    static String basic(RegistryCredential credential) {
        return "Basic " + Base64.getEncoder().encodeToString((credential.username() + ":" + credential.password())
                .getBytes(StandardCharsets.UTF_8));
    }
}
