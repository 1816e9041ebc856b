package io.github.imagepullwebhook.admission;

import static io.github.imagepullwebhook.admission.PinningTest.imagePatches;
import static io.github.imagepullwebhook.admission.PinningTest.review;
import static io.github.imagepullwebhook.admission.PinningTest.warnings;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.github.imagepullwebhook.admission.AdmissionService.Answer;
import io.github.imagepullwebhook.admission.AdmissionService.Mode;
import io.github.imagepullwebhook.credentials.CredentialProviders;
import io.github.imagepullwebhook.credentials.Keyring;
import io.github.imagepullwebhook.credentials.KubernetesKeychain;
import io.github.imagepullwebhook.credentials.NodeCredentials;
import io.github.imagepullwebhook.policy.Rules;
import io.github.imagepullwebhook.registry.CachingResolver;
import io.github.imagepullwebhook.registry.RegistryClient;
import io.github.imagepullwebhook.testing.FakePlugin;
import io.github.imagepullwebhook.testing.LoopbackGuard;
import io.github.imagepullwebhook.testing.TestRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * Pinning with the credentials of a kubelet credential provider plugin (a fake one, a shell
 * script) against a real registry with htpasswd: the plugin's answer is what lets the webhook in,
 * it is consulted after the pod's pull Secrets, and a plugin that hangs or crashes is a pinning
 * failure inside the review's deadline that names it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@EnableKubernetesMockClient(crud = true)
class CredentialProviderPinningTest {

    static final String NS = PinningTest.NS;
    static final Rules PIN = new Rules(true, false, true, false);
    static final Duration DEADLINE = Duration.ofSeconds(2);
    static KubernetesClient client;

    Path dir;
    Vertx vertx;
    TestRegistry guarded;
    ExecutorService secrets;
    String digest;
    String image;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("credential-provider-pinning");
        guarded = TestRegistry.basic(Files.createDirectory(dir.resolve("registry")), "alice", "s3cret");
        digest = guarded.pushIndex("private/app", "2.0", List.of("amd64", "arm64"));
        image = guarded.host() + "/private/app:2.0";
        String wrong = "{\"auths\":{\"" + guarded.host() + "\":{\"auth\":\""
                + Base64.getEncoder().encodeToString("alice:wrong".getBytes(StandardCharsets.UTF_8)) + "\"}}}";
        client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName("stale").withNamespace(NS)
                .endMetadata().withType("kubernetes.io/dockerconfigjson")
                .withData(Map.of(".dockerconfigjson", Base64.getEncoder().encodeToString(wrong.getBytes(StandardCharsets.UTF_8))))
                .build()).create();
        vertx = Vertx.vertx();
        secrets = Executors.newFixedThreadPool(2);
    }

    @AfterAll
    void stop() throws Exception {
        guarded.close();
        secrets.shutdownNow();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    /** The admission service with one plugin, {@code body}, configured for the guarded registry's host. */
    AdmissionService service(String name, String body, boolean denyOnError) throws Exception {
        Path bin = Files.createDirectories(dir.resolve(name + "/bin"));
        FakePlugin.write(bin, name, body);
        Path config = Files.writeString(dir.resolve(name + "/config.yaml"),
                FakePlugin.config(name, "[\"" + guarded.host() + "\"]", "12h"));
        CredentialProviders providers = CredentialProviders.load(config, bin, DEADLINE);
        RegistryClient registry = new RegistryClient(vertx, new HttpClientOptions(), Set.of(guarded.host()), 5_000,
                LoopbackGuard.of(vertx));
        Pinning pinning = new Pinning(new KubernetesKeychain(client, secrets, new NodeCredentials(new Keyring(), providers)),
                new CachingResolver(registry, Duration.ofMinutes(1), Duration.ofMillis(1), 100), DEADLINE, denyOnError);
        return new AdmissionService(new ObjectMapper(), new SkipRules(Set.of()), pinning);
    }

    Answer pod(AdmissionService service, String pullSecrets) {
        return service.review(review("Pod", "CREATE", "{" + pullSecrets + "\"containers\":[{\"name\":\"a\",\"image\":\""
                + image + "\"}]}", "", null).getBytes(StandardCharsets.UTF_8), PIN, Mode.MUTATE);
    }

    @Test
    void thePluginsCredentialsPinAPrivateImageAfterThePodsStaleSecretIsRefused() throws Exception {
        Path request = dir.resolve("request.json");
        AdmissionService service = service("answering", FakePlugin.answering(request,
                FakePlugin.response("Registry", "1h", guarded.host(), "alice", "s3cret")), false);

        Answer withoutSecrets = pod(service, "");
        assertThat(withoutSecrets.reason()).isEqualTo(Reason.PATCHED);
        assertThat(imagePatches(withoutSecrets)).containsExactly("/spec/containers/0/image=" + image + "@" + digest);
        assertThat(digest).isEqualTo(TestRegistry.skopeoDigest(image, "alice:s3cret"));
        assertThat(Files.readString(request)).contains("\"image\":\"" + guarded.host() + "/private/app\"");

        Answer withStaleSecret = pod(service, "\"imagePullSecrets\":[{\"name\":\"stale\"}],");
        assertThat(imagePatches(withStaleSecret)).as("the Secret's credential is tried first and refused; the plugin's after it")
                .containsExactly("/spec/containers/0/image=" + image + "@" + digest);
        assertThat(warnings(withStaleSecret)).noneMatch(w -> w.contains("s3cret") || w.contains("wrong"));
        assertThat(FakePlugin.runs(request)).as("the answer is cached for its registry").isEqualTo(1);
    }

    @Test
    void aHangingPluginIsAPinningFailureInsideTheDeadline() throws Exception {
        AdmissionService service = service("hanging", "exec sleep 600", false);
        long started = System.nanoTime();
        Answer answer = pod(service, "");
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertThat(millis).as("answered at the review's deadline").isBetween(DEADLINE.toMillis() - 100, DEADLINE.toMillis() + 1_000);
        assertThat(answer.reason()).isEqualTo(Reason.RESOLUTION_FAILED_ALLOWED);
        assertThat(imagePatches(answer)).isEmpty();
        // The plugin's own limit is the deadline too: whichever timer fires first names the failure.
        assertThat(warnings(answer)).anyMatch(w -> w.contains("spec.containers[0].image") && w.contains(
                "was not pinned: credential provider \"hanging\" gave no answer within"));
    }

    @Test
    void aCrashingPluginDeniesWithOnErrorDenyAndNamesTheProvider() throws Exception {
        AdmissionService service = service("crashing", "echo 'token: hunter2' >&2\nexit 2", true);
        Answer answer = pod(service, "");
        assertThat(answer.reason()).isEqualTo(Reason.RESOLUTION_FAILED_DENIED);
        assertThat(answer.body().path("response").path("allowed").asBoolean()).isFalse();
        assertThat(answer.body().path("response").path("status").path("message").asText())
                .contains(image).contains("credential provider \"crashing\" exited with status 2")
                .doesNotContain("hunter2");
    }
}
