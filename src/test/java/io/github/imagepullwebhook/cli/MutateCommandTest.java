package io.github.imagepullwebhook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MutateCommandTest {

    @TempDir
    Path dir;
    final CliRun cli = new CliRun();

    @Test
    void mutatesMultiDocumentYamlWithAProfileFromTheConfig() throws Exception {
        Path config = Files.writeString(dir.resolve("config.yaml"),
                "profiles:\n  tenants: {alwaysPull: true, alwaysPullScope: workloads}\n  pods: {alwaysPull: true}\n");
        Path manifests = Files.writeString(dir.resolve("m.yaml"), """
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: d}
                spec:
                  template:
                    spec:
                      containers:
                      - name: a
                        image: agent:3
                        imagePullPolicy: IfNotPresent
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: p}
                spec:
                  containers:
                  - name: b
                    image: app:1
                """);
        assertThat(cli.run("mutate", "-f", manifests.toString(), "-c", config.toString(), "-p", "tenants")).isZero();
        assertThat(cli.out.toString()).isEqualTo(Files.readString(manifests)
                .replace("imagePullPolicy: IfNotPresent", "imagePullPolicy: Always")
                .replace("    image: app:1\n", "    image: app:1\n    imagePullPolicy: Always\n"));

        cli.out.getBuffer().setLength(0);
        assertThat(cli.run("mutate", "-f", manifests.toString(), "-c", config.toString(), "-p", "pods")).isZero();
        assertThat(cli.out.toString()).as("the default scope leaves templates as written")
                .isEqualTo(Files.readString(manifests).replace("    image: app:1\n", "    image: app:1\n    imagePullPolicy: Always\n"));
    }

    @Test
    void answersAnAdmissionReviewAsTheServerWould() throws Exception {
        Path review = Path.of("src/test/resources/reviews/enforce-pod/request.json");
        Path config = Files.writeString(dir.resolve("config.yaml"), "profiles:\n  default: {alwaysPull: true}\n");
        assertThat(cli.run("mutate", "-f", review.toString(), "-c", config.toString())).isZero();
        JsonNode answer = new ObjectMapper().readTree(cli.out.toString());
        assertThat(answer.path("response").path("uid").asText()).isEqualTo("705ab4f5-6393-11e8-b7cc-42010a800002");
        String patch = new String(Base64.getDecoder().decode(answer.path("response").path("patch").asText()));
        assertThat(patch).contains("/spec/containers/0/imagePullPolicy").contains("Always");
    }

    @Test
    void anUnknownProfileOrConfigKeyIsAClearError() throws Exception {
        Path manifests = Files.writeString(dir.resolve("m.yaml"), "kind: Pod\n");
        assertThat(cli.run("mutate", "-f", manifests.toString(), "-p", "nope")).isEqualTo(2);
        assertThat(cli.err.toString()).contains("unknown profile \"nope\"; configured: default");
        Path config = Files.writeString(dir.resolve("bad.yaml"), "profiles:\n  tenants: {alwaysPul: true}\n");
        assertThat(cli.run("mutate", "-f", manifests.toString(), "-c", config.toString())).isNotZero();
        assertThat(cli.err.toString()).contains("unknown configuration key \"profiles.tenants.alwaysPul\"");
    }

    @Test
    void everyCommandHasHelpAndTheToolHasAVersion() {
        assertThat(cli.run("--version")).isZero();
        assertThat(cli.out.toString()).startsWith("image-pull-webhook ");
        for (String command : new String[] {"serve", "mutate"}) {
            cli.out.getBuffer().setLength(0);
            assertThat(cli.run(command, "--help")).isZero();
            assertThat(cli.out.toString()).contains("Usage: image-pull-webhook " + command);
        }
    }
}
