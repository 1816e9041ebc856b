package io.github.imagepullwebhook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.imagepullwebhook.testing.TestRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code resolve} against a real registry with htpasswd auth, credentials from a config.json. */
class ResolveCommandTest {

    @TempDir
    Path dir;
    final CliRun cli = new CliRun();

    @Test
    void printsThePinnedReferenceUsingTheDockerConfig() throws Exception {
        try (TestRegistry registry = TestRegistry.basic(Files.createDirectories(dir.resolve("r")), "alice", "s3cret")) {
            String digest = registry.push("team/app", "1.2", "amd64");
            Path config = Files.writeString(dir.resolve("c.yaml"), "registry:\n  insecure: [\"" + registry.host()
                    + "\"]\n  allow: [\"127.0.0.1:*\"]\n");
            Path docker = Files.writeString(dir.resolve("config.json"), "{\"auths\":{\"http://" + registry.host()
                    + "\":{\"auth\":\"" + Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8))
                    + "\"}}}");
            String image = registry.host() + "/team/app:1.2";

            assertThat(cli.run("resolve", image, "-c", config.toString(), "--docker-config", docker.toString()))
                    .as(cli.err.toString()).isZero();
            assertThat(cli.out.toString().trim()).isEqualTo(image + "@" + digest);

            assertThat(cli.run("resolve", image, "-c", config.toString(), "--docker-config",
                    Files.writeString(dir.resolve("empty.json"), "{}").toString())).isEqualTo(1);
            assertThat(cli.err.toString()).contains("unauthorized at " + registry.host());
        }
    }

    @Test
    void loopbackIsRefusedUnlessAllowedAndBadInputIsNamed() {
        assertThat(cli.run("resolve", "127.0.0.1:5/team/app:1")).isEqualTo(1);
        assertThat(cli.err.toString()).contains("resolves to a loopback address");
        assertThat(cli.run("resolve", "Not/Valid:x")).isEqualTo(2);
        assertThat(cli.err.toString()).contains("is not a valid image reference");
    }
}
