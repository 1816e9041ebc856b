package io.github.imagepullwebhook.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.github.imagepullwebhook.admission.AdmissionService.Answer;
import io.github.imagepullwebhook.admission.AdmissionService.Mode;
import io.github.imagepullwebhook.credentials.Keyring;
import io.github.imagepullwebhook.credentials.KubernetesKeychain;
import io.github.imagepullwebhook.image.ImagePattern;
import io.github.imagepullwebhook.policy.Rules;
import io.github.imagepullwebhook.registry.CachingResolver;
import io.github.imagepullwebhook.registry.RegistryClient;
import io.github.imagepullwebhook.testing.LoopbackGuard;
import io.github.imagepullwebhook.testing.TestRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Tag → digest pinning through the admission service: real registries on loopback (anonymous
 * and htpasswd), pull Secrets and ServiceAccounts in fabric8's mock API server, digests
 * cross-checked with skopeo.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@EnableKubernetesMockClient(crud = true)
class PinningTest {

    static final String NS = "team-a";
    static final ObjectMapper JSON = new ObjectMapper();
    static final Rules PIN = new Rules(true, false, true, false);
    static KubernetesClient client;

    Vertx vertx;
    TestRegistry open;
    TestRegistry guarded;
    ServerSocket silent;
    ExecutorService secrets;
    AdmissionService allow;
    AdmissionService deny;
    String openDigest;
    String latestDigest;
    String guardedDigest;

    @BeforeAll
    void start() throws Exception {
        open = TestRegistry.anonymous(Files.createTempDirectory("pin-open"));
        guarded = TestRegistry.basic(Files.createTempDirectory("pin-basic"), "alice", "s3cret");
        openDigest = open.push("team/app", "1.0", "amd64");
        latestDigest = open.push("team/app", "latest", "arm64");
        guardedDigest = guarded.pushIndex("private/app", "2.0", List.of("amd64", "arm64"));
        silent = new ServerSocket(0);
        List<java.net.Socket> held = new ArrayList<>();
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    held.add(silent.accept());
                }
            } catch (java.io.IOException closed) {
                // done
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        String config = "{\"auths\":{\"" + guarded.host() + "\":{\"auth\":\""
                + Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8)) + "\"}}}";
        client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName("regcred").withNamespace(NS)
                .endMetadata().withType("kubernetes.io/dockerconfigjson")
                .withData(Map.of(".dockerconfigjson", Base64.getEncoder().encodeToString(config.getBytes(StandardCharsets.UTF_8))))
                .build()).create();
        client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName("broken").withNamespace(NS)
                .endMetadata().withType("kubernetes.io/dockerconfigjson")
                .withData(Map.of(".dockerconfigjson", Base64.getEncoder().encodeToString("{not json".getBytes(StandardCharsets.UTF_8))))
                .build()).create();
        client.serviceAccounts().inNamespace(NS).resource(new ServiceAccountBuilder().withNewMetadata().withName("builder")
                .withNamespace(NS).endMetadata().addNewImagePullSecret("regcred").build()).create();
        vertx = Vertx.vertx();
        secrets = Executors.newFixedThreadPool(2);
        allow = service(false);
        deny = service(true);
    }

    AdmissionService service(boolean denyOnError) {
        RegistryClient registry = new RegistryClient(vertx, new HttpClientOptions(),
                Set.of(open.host(), guarded.host(), "127.0.0.1:" + silent.getLocalPort()), 5_000, LoopbackGuard.of(vertx));
        Pinning pinning = new Pinning(new KubernetesKeychain(client, secrets, new Keyring()),
                new CachingResolver(registry, Duration.ofMinutes(1), Duration.ofMillis(1), 100), Duration.ofSeconds(2),
                denyOnError);
        return new AdmissionService(JSON, new SkipRules(Set.of()), pinning);
    }

    @AfterAll
    void stop() throws Exception {
        open.close();
        guarded.close();
        silent.close();
        secrets.shutdownNow();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    static String review(String kind, String operation, String spec, String extraMetadata, String oldSpec) {
        String group = switch (kind) {
            case "Deployment", "ReplicaSet" -> "apps";
            default -> "";
        };
        String apiVersion = group.isEmpty() ? "v1" : group + "/v1";
        String object = "{\"apiVersion\":\"" + apiVersion + "\",\"kind\":\"" + kind + "\",\"metadata\":{\"name\":\"x\""
                + extraMetadata + "}," + (kind.equals("Pod") ? "\"spec\":" + spec
                : "\"spec\":{\"template\":{\"spec\":" + spec + "}}") + "}";
        String old = oldSpec == null ? "" : ",\"oldObject\":" + object.replace(spec, oldSpec);
        return "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\","
                + "\"kind\":{\"group\":\"" + group + "\",\"version\":\"v1\",\"kind\":\"" + kind + "\"},"
                + "\"operation\":\"" + operation + "\",\"namespace\":\"" + NS + "\",\"object\":" + object + old + "}}";
    }

    static JsonNode patch(Answer answer) throws Exception {
        String encoded = answer.body().path("response").path("patch").asText("");
        return encoded.isEmpty() ? JSON.createArrayNode() : JSON.readTree(Base64.getDecoder().decode(encoded));
    }

    static List<String> imagePatches(Answer answer) throws Exception {
        List<String> images = new ArrayList<>();
        for (JsonNode op : patch(answer)) {
            if (op.path("path").asText().endsWith("/image")) {
                images.add(op.path("path").asText() + "=" + op.path("value").asText());
            }
        }
        return images;
    }

    static List<String> warnings(Answer answer) {
        List<String> warnings = new ArrayList<>();
        answer.body().path("response").path("warnings").forEach(w -> warnings.add(w.asText()));
        return warnings;
    }

    @Test
    void pinsAnAnonymousImageToTheDigestSkopeoSees() throws Exception {
        String image = open.host() + "/team/app:1.0";
        Answer answer = allow.review(review("Pod", "CREATE", "{\"containers\":[{\"name\":\"a\",\"image\":\"" + image + "\"}]}",
                "", null).getBytes(), PIN, Mode.MUTATE);
        assertThat(answer.reason()).isEqualTo(Reason.PATCHED);
        assertThat(imagePatches(answer)).containsExactly("/spec/containers/0/image=" + image + "@" + openDigest);
        assertThat(openDigest).isEqualTo(TestRegistry.skopeoDigest(image, null));
        assertThat(patch(answer).toString()).contains("imagePullPolicy");
    }

    @Test
    void usesThePodsPullSecretAndWarnsAboutMissingOrBrokenOnes() throws Exception {
        String image = guarded.host() + "/private/app:2.0";
        Answer answer = allow.review(review("Pod", "CREATE", "{\"imagePullSecrets\":[{\"name\":\"missing\"},{\"name\":"
                + "\"broken\"},{\"name\":\"regcred\"}],\"containers\":[{\"name\":\"a\",\"image\":\"" + image + "\"}]}", "", null)
                .getBytes(), PIN, Mode.MUTATE);
        assertThat(imagePatches(answer)).containsExactly("/spec/containers/0/image=" + image + "@" + guardedDigest);
        assertThat(warnings(answer)).anyMatch(w -> w.contains("imagePullSecret \"missing\" not found in namespace \"team-a\""))
                .anyMatch(w -> w.contains("imagePullSecret \"broken\" is not usable")
                        && w.contains("the kubelet will fail this pod's image pulls"))
                .noneMatch(w -> w.contains("s3cret"));
    }

    @Test
    void templatesUseTheirServiceAccountsPullSecrets() throws Exception {
        String image = guarded.host() + "/private/app:2.0";
        Answer answer = allow.review(review("Deployment", "CREATE", "{\"serviceAccountName\":\"builder\",\"containers\":"
                + "[{\"name\":\"a\",\"image\":\"" + image + "\"}]}", "", null).getBytes(), PIN, Mode.MUTATE);
        assertThat(imagePatches(answer)).containsExactly("/spec/template/spec/containers/0/image=" + image + "@" + guardedDigest);
    }

    @Test
    void aTemplateWithItsOwnPullSecretsDoesNotGetItsServiceAccountsToo() throws Exception {
        // The ServiceAccount admission plugin fills a pod's list only when the pod has none: pods
        // of this template will carry "missing" alone, so the kubelet cannot pull with regcred.
        String image = guarded.host() + "/private/app:2.0";
        Answer answer = allow.review(review("Deployment", "CREATE", "{\"serviceAccountName\":\"builder\","
                + "\"imagePullSecrets\":[{\"name\":\"missing\"}],\"containers\":[{\"name\":\"a\",\"image\":\""
                + image + "\"}]}", "", null).getBytes(), PIN, Mode.MUTATE);
        assertThat(imagePatches(answer)).isEmpty();
        assertThat(warnings(answer)).anyMatch(w -> w.contains("was not pinned: unauthorized"));
    }

    @Test
    void checkPullSecretsWarnsAboutMissingSecretsWithoutPinning() throws Exception {
        Rules check = new Rules(true, false, false, false, false, false, true, List.of(), List.of());
        Answer answer = allow.review(review("Pod", "CREATE", "{\"imagePullSecrets\":[{\"name\":\"missing\"},"
                + "{\"name\":\"regcred\"}],\"containers\":[{\"name\":\"a\",\"image\":\"nginx:1.27\"}]}", "", null)
                .getBytes(), check, Mode.MUTATE);
        assertThat(answer.reason()).isEqualTo(Reason.PATCHED); // the defaulted pull policy
        assertThat(imagePatches(answer)).isEmpty();
        assertThat(warnings(answer)).anyMatch(w -> w.contains("imagePullSecret \"missing\" not found in namespace "
                + "\"team-a\"; the kubelet will report FailedToRetrieveImagePullSecret")).noneMatch(w -> w.contains("regcred"));
        assertThat(answer.body().path("response").path("auditAnnotations").path("missing-pull-secrets").asText())
                .isEqualTo("missing");

        Answer off = allow.review(review("Pod", "CREATE", "{\"imagePullSecrets\":[{\"name\":\"missing\"}],"
                + "\"containers\":[{\"name\":\"a\",\"image\":\"nginx:1.27\"}]}", "", null).getBytes(),
                new Rules(true, false), Mode.MUTATE);
        assertThat(warnings(off)).as("not asked for").noneMatch(w -> w.contains("imagePullSecret"));
    }

    @Test
    void aPinExemptionLeavesItsRepositoriesAsWrittenAndIsAudited() throws Exception {
        Rules exempt = PIN.withExemptions(List.of(), List.of(ImagePattern.parse(open.host() + "/team")));
        String image = open.host() + "/team/app:1.0";
        String other = open.host() + "/teams/app:1.0"; // not a segment of the exemption
        Answer answer = allow.review(review("Pod", "CREATE", "{\"containers\":[{\"name\":\"a\",\"image\":\"" + image
                + "\"},{\"name\":\"b\",\"image\":\"" + other + "\"}]}", "", null).getBytes(), exempt, Mode.MUTATE);
        assertThat(imagePatches(answer)).noneMatch(p -> p.startsWith("/spec/containers/0/"));
        assertThat(answer.body().path("response").path("auditAnnotations").path("exempt").asText())
                .isEqualTo("spec.containers[0] from pinDigests (" + open.host() + "/team)");
    }

    @Test
    void anUntaggedImageAndAnImageVolumeArePinnedToWhatLatestNames() throws Exception {
        String untagged = open.host() + "/team/app";
        Answer answer = allow.review(review("Pod", "CREATE", "{\"containers\":[{\"name\":\"a\",\"image\":\"" + untagged
                + "\"}],\"volumes\":[{\"name\":\"v\",\"image\":{\"reference\":\"" + open.host() + "/team/app:1.0\"}}]}",
                "", null).getBytes(), PIN, Mode.MUTATE);
        assertThat(imagePatches(answer)).containsExactly("/spec/containers/0/image=" + untagged + "@" + latestDigest);
        assertThat(patch(answer).toString()).contains("\"path\":\"/spec/volumes/0/image/reference\",\"value\":\""
                + open.host() + "/team/app:1.0@" + openDigest + "\"");
        assertThat(latestDigest).isEqualTo(TestRegistry.skopeoDigest(untagged + ":latest", null)).isNotEqualTo(openDigest);
    }

    @Test
    void withoutCredentialsTheImageIsLeftAndTheFailureNamed() throws Exception {
        String image = guarded.host() + "/private/app:2.0";
        String spec = "{\"containers\":[{\"name\":\"a\",\"image\":\"" + image + "\",\"imagePullPolicy\":\"Always\"}]}";
        Answer allowed = allow.review(review("Pod", "CREATE", spec, "", null).getBytes(), PIN, Mode.MUTATE);
        assertThat(allowed.reason()).isEqualTo(Reason.RESOLUTION_FAILED_ALLOWED);
        assertThat(allowed.body().path("response").path("allowed").asBoolean()).isTrue();
        assertThat(imagePatches(allowed)).isEmpty();
        assertThat(warnings(allowed)).anyMatch(w -> w.contains("spec.containers[0].image")
                && w.contains("was not pinned: unauthorized at " + guarded.host()));
        assertThat(allowed.body().path("response").path("auditAnnotations").path("pinning-failed").asText())
                .contains("unauthorized");

        Answer denied = deny.review(review("Pod", "CREATE", spec, "", null).getBytes(), PIN, Mode.MUTATE);
        assertThat(denied.reason()).isEqualTo(Reason.RESOLUTION_FAILED_DENIED);
        assertThat(denied.body().path("response").path("allowed").asBoolean()).isFalse();
        assertThat(denied.body().path("response").path("status").path("message").asText())
                .contains(image).contains("unauthorized");
    }

    @Test
    void aHangingRegistryIsAnsweredAtTheDeadline() throws Exception {
        String image = "127.0.0.1:" + silent.getLocalPort() + "/slow/app:1";
        Answer answer = allow.review(review("Pod", "CREATE", "{\"containers\":[{\"name\":\"a\",\"image\":\"" + image + "\"}]}",
                "", null).getBytes(), PIN, Mode.MUTATE);
        assertThat(answer.reason()).isEqualTo(Reason.RESOLUTION_FAILED_ALLOWED);
        assertThat(warnings(answer)).anyMatch(w -> w.contains("no answer within the registry deadline")
                || w.contains("no answer within the timeout"));
    }

    @Test
    void pinScopePodsLeavesTemplatesAlone() throws Exception {
        String image = open.host() + "/team/app:1.0";
        Rules podsOnly = new Rules(true, false, true, true);
        Answer deployment = allow.review(review("Deployment", "CREATE", "{\"containers\":[{\"name\":\"a\",\"image\":\""
                + image + "\"}]}", "", null).getBytes(), podsOnly, Mode.MUTATE);
        assertThat(imagePatches(deployment)).isEmpty();
        Answer pod = allow.review(review("Pod", "CREATE", "{\"containers\":[{\"name\":\"a\",\"image\":\"" + image
                + "\"}]}", "", null).getBytes(), podsOnly, Mode.MUTATE);
        assertThat(imagePatches(pod)).containsExactly("/spec/containers/0/image=" + image + "@" + openDigest);
    }

    @Test
    void controllerOwnedTemplatesDigestsAndUnchangedImagesAreLeftAlone() throws Exception {
        String image = open.host() + "/team/app:1.0";
        String owned = ",\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"name\":\"d\","
                + "\"uid\":\"1\",\"controller\":true}]";
        Answer replicaSet = allow.review(review("ReplicaSet", "CREATE", "{\"containers\":[{\"name\":\"a\",\"image\":\""
                + image + "\"}]}", owned, null).getBytes(), PIN, Mode.MUTATE);
        assertThat(imagePatches(replicaSet)).isEmpty();

        String pinned = image + "@" + openDigest;
        Answer digest = allow.review(review("Pod", "CREATE", "{\"containers\":[{\"name\":\"a\",\"image\":\"" + pinned
                + "\"}]}", "", null).getBytes(), PIN, Mode.MUTATE);
        assertThat(imagePatches(digest)).isEmpty();

        String newImage = open.host() + "/team/app:1.0";
        String oldSpec = "{\"containers\":[{\"name\":\"a\",\"image\":\"" + open.host() + "/team/old:1\"},"
                + "{\"name\":\"b\",\"image\":\"" + open.host() + "/team/kept:1\"}]}";
        String newSpec = "{\"containers\":[{\"name\":\"a\",\"image\":\"" + newImage + "\"},"
                + "{\"name\":\"b\",\"image\":\"" + open.host() + "/team/kept:1\"}]}";
        Answer update = allow.review(review("Deployment", "UPDATE", newSpec, "", oldSpec).getBytes(), PIN, Mode.MUTATE);
        assertThat(imagePatches(update)).as("only the new image is resolved; kept:1 is not even asked")
                .containsExactly("/spec/template/spec/containers/0/image=" + newImage + "@" + openDigest);
        assertThat(warnings(update)).noneMatch(w -> w.contains("kept"));
    }

}
