package io.github.imagepullwebhook.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.imagepullwebhook.credentials.RegistryCredential;
import io.github.imagepullwebhook.image.ImageReference;
import io.github.imagepullwebhook.testing.Await;
import io.github.imagepullwebhook.testing.LoopbackGuard;
import io.github.imagepullwebhook.testing.TestRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Against Debian's docker-registry on loopback; digests cross-checked with skopeo. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistryClientTest {

    static final RegistryCredential WRONG = new RegistryCredential("alice", "wrong", "", "secret team-a/old");
    static final RegistryCredential RIGHT = new RegistryCredential("alice", "s3cret", "", "secret team-a/regcred");

    Vertx vertx;
    TestRegistry open;
    TestRegistry guarded;
    RegistryClient client;
    ServerSocket silent;

    @BeforeAll
    void start() throws Exception {
        open = TestRegistry.anonymous(Files.createTempDirectory("registry-open"));
        guarded = TestRegistry.basic(Files.createTempDirectory("registry-basic"), "alice", "s3cret");
        silent = new ServerSocket(0);
        vertx = Vertx.vertx();
        client = new RegistryClient(vertx, new HttpClientOptions(),
                Set.of(open.host(), guarded.host(), "127.0.0.1:" + silent.getLocalPort(), "127.0.0.1:1"), 1_500,
                LoopbackGuard.of(vertx));
    }

    @AfterAll
    void stop() throws Exception {
        open.close();
        guarded.close();
        silent.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    String resolve(String image, RegistryCredential... credentials) throws Exception {
        return Await.result(client.resolve(ImageReference.parse(image), List.of(credentials)));
    }

    @Test
    void anonymousSingleArchitectureMatchesSkopeo() throws Exception {
        String pushed = open.push("team/app", "1.0", "amd64");
        String image = open.host() + "/team/app:1.0";
        assertThat(resolve(image)).isEqualTo(pushed).isEqualTo(TestRegistry.skopeoDigest(image, null));
    }

    @Test
    void multiArchitectureImagesPinTheIndex() throws Exception {
        String index = open.pushIndex("team/multi", "2.0", List.of("amd64", "arm64"));
        String image = open.host() + "/team/multi:2.0";
        assertThat(resolve(image)).isEqualTo(index).isEqualTo(TestRegistry.skopeoDigest(image, null));
    }

    @Test
    void basicAuthTriesEveryCredentialInTurn() throws Exception {
        String pushed = guarded.push("private/app", "3.1", "amd64");
        String image = guarded.host() + "/private/app:3.1";
        assertThat(resolve(image, WRONG, RIGHT)).isEqualTo(pushed).isEqualTo(TestRegistry.skopeoDigest(image, "alice:s3cret"));
    }

    @Test
    void refusedAndMissingCredentialsSayWhichWereTriedWithoutSecrets() throws Exception {
        guarded.push("private/other", "1", "amd64");
        String image = guarded.host() + "/private/other:1";
        assertThatThrownBy(() -> resolve(image, WRONG)).isInstanceOf(RegistryException.class)
                .hasMessage("unauthorized at " + guarded.host() + " (refused: secret team-a/old)")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("wrong", "alice"));
        assertThatThrownBy(() -> resolve(image)).hasMessage("unauthorized at " + guarded.host()
                + " (no credential matches this registry)");
    }

    @Test
    void aMissingTagIsNamed() throws Exception {
        open.push("team/app2", "1.0", "amd64");
        assertThatThrownBy(() -> resolve(open.host() + "/team/app2:9.9"))
                .hasMessage("tag 9.9 not found in " + open.host() + "/team/app2");
    }

    @Test
    void aRegistryThatIsDownOrSilentFailsWithinTheTimeout() throws Exception {
        assertThatThrownBy(() -> resolve("127.0.0.1:1/team/app:1")).isInstanceOf(RegistryException.class)
                .hasMessageStartingWith("127.0.0.1:1: ");
        List<Socket> accepted = new ArrayList<>();
        Thread acceptor = new Thread(() -> {
            try {
                while (!silent.isClosed()) {
                    accepted.add(silent.accept()); // accept, then never answer
                }
            } catch (java.io.IOException closed) {
                // test over
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        assertThatThrownBy(() -> resolve("127.0.0.1:" + silent.getLocalPort() + "/team/app:1"))
                .isInstanceOf(RegistryException.class)
                .hasMessage("127.0.0.1:" + silent.getLocalPort() + ": no answer within the timeout");
    }
}
