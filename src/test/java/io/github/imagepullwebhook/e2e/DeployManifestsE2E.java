package io.github.imagepullwebhook.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Test 2, second half: {@code kubectl apply -f deploy/} with only the image changed to the one
 * the suite built. It runs before the helm release, which uses the same names, and removes
 * everything it applied.
 */
@Order(1)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(Diagnostics.class)
class DeployManifestsE2E {

    static final String RELEASED_IMAGE = "ghcr.io/image-pull-webhook/image-pull-webhook:";

    final E2ECluster cluster = E2ECluster.get();
    Path manifests;

    @Test
    void kubectlApplyDeployTwoReadyReplicasOneCaCalledThroughTheService() throws Exception {
        manifests = Files.createTempDirectory("ipw-e2e-deploy");
        boolean policyV1 = cluster.client.getApiGroup("policy").getVersions().stream()
                .anyMatch(v -> v.getVersion().equals("v1"));
        int replaced = 0;
        try (Stream<Path> files = Files.list(Path.of("deploy"))) {
            for (Path file : files.sorted(Comparator.comparing(Path::toString)).toList()) {
                String yaml = Files.readString(file);
                String local = yaml.replaceAll(java.util.regex.Pattern.quote(RELEASED_IMAGE) + "\\S+",
                        cluster.webhookImage);
                replaced += local.equals(yaml) ? 0 : 1;
                if (!policyV1) {
                    // deploy/ is rendered for 1.21+; on 1.20 the chart picks this by itself.
                    local = local.replace("apiVersion: policy/v1\nkind: PodDisruptionBudget",
                            "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget");
                }
                Files.writeString(manifests.resolve(file.getFileName()), local);
            }
        }
        assertThat(replaced).as("deploy/ files naming the released image").isEqualTo(1);
        cluster.kubectl("apply", "-f", manifests.toString());

        List<Pod> pods = Installed.readyReplicas(cluster, 2, Duration.ofSeconds(150));
        String ca = Installed.oneCaInEveryConfiguration(cluster, false);
        Installed.everyReplicaServesUnder(ca, pods);

        // The apiserver calls the webhook through the Service: an image that does not parse is
        // admitted (as Kubernetes would) with the webhook's warning, which kubectl prints.
        String ns = cluster.namespace("deploy-check", Map.of());
        Path pod = Files.createTempFile("ipw-e2e-check-pod", ".json");
        Files.writeString(pod, io.fabric8.kubernetes.client.utils.Serialization.asJson(
                E2ECluster.sleeper("check", "Not/A:Valid:Image", null, null)));
        String out = Eventually.until(Duration.ofSeconds(30), "the webhook's warning through the Service", () -> {
            String text = cluster.kubectl("-n", ns, "create", "-f", pod.toString(), "--dry-run=server", "-o", "name");
            return text.contains("image-pull-webhook") ? text : null;
        });
        Files.delete(pod);
        assertThat(out).contains("Warning:");
    }

    @AfterAll
    void remove() throws Exception {
        cluster.deleteNamespaces();
        if (manifests != null) {
            try {
                cluster.kubectl("delete", "-f", manifests.toString(), "--ignore-not-found", "--wait=true", "--timeout=120s");
            } catch (IllegalStateException e) {
                System.err.println(e.getMessage());
            }
            try (Stream<Path> files = Files.list(manifests)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(manifests);
        }
        Eventually.until(Duration.ofSeconds(120), "namespace image-pull-webhook removed",
                () -> cluster.client.namespaces().withName(Installed.NAMESPACE).get() == null);
    }
}
