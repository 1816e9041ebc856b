package io.github.imagepullwebhook.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.UpgradeCommand;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The webhook installed with helm as the README says (managed certificates, 2 replicas, an
 * enforcing {@code tenants} profile) plus a pinning profile, and what it must do in a real
 * cluster with a real kubelet: tests 1 to 6. They run in order on one release:
 * the install, what it enforces, then what changes it (scale to 0, restart, upgrade, uninstall).
 *
 * <p>{@code -De2e.helm.set=key=value,...} adds helm values, which is how each test was seen to
 * fail against a broken install (for example {@code profiles.tenants.alwaysPull=false}).
 */
@Order(2)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(Diagnostics.class)
class WebhookE2E {

    static final Path CHART = Path.of("charts/image-pull-webhook");
    static final Duration POD_START = Duration.ofSeconds(90);

    E2ECluster cluster;
    Path values;
    String tenantsNamespace;

    @BeforeAll
    void install() throws Exception {
        cluster = E2ECluster.get();
        values = Files.createTempFile("ipw-e2e-values", ".yaml");
        // The README's install, written as a values file (helm-java has no --set-json), plus a
        // pinning profile that may ask the private registry on the bridge for digests.
        Files.writeString(values, """
                profiles:
                  tenants:
                    namespaceSelector:
                      matchLabels: {image-pull-webhook.io/profile: tenants}
                  pinning:
                    alwaysPull: true
                    pinDigests: true
                    namespaceSelector:
                      matchLabels: {image-pull-webhook.io/profile: pinning}
                registry:
                  insecure: ["%s"]
                  allow: ["%s"]
                """.formatted(cluster.env.get("E2E_PRIVATE_REGISTRY"), cluster.env.get("E2E_NODE_IP")));
        try {
            InstallCommand install = new Helm(CHART).install().withName(Installed.NAME)
                    .withNamespace(Installed.NAMESPACE).createNamespace().withKubeConfig(cluster.kubeconfig)
                    .set("image.repository", repository(cluster.webhookImage)).set("image.tag", tag(cluster.webhookImage))
                    .set("profiles.tenants.alwaysPull", true).withValuesFile(values)
                    .waitReady().withTimeout(240);
            extraValues().forEach(install::set);
            install.call();
        } catch (Throwable e) {
            Diagnostics.print(System.err, "helm install failed: " + e);
            throw e;
        }
        tenantsNamespace = cluster.namespace("tenants", Installed.profile("tenants"));
    }

    @AfterAll
    void cleanUp() throws Exception {
        if (cluster == null) {
            return;
        }
        cluster.deleteNamespaces();
        if (cluster.client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(Installed.NAME).get() != null) {
            Helm.uninstall(Installed.NAME).withNamespace(Installed.NAMESPACE).withKubeConfig(cluster.kubeconfig)
                    .ignoreNotFound().call();
        }
        // Whatever a broken install left behind must not block the rest of the run.
        cluster.client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(Installed.NAME).delete();
        cluster.client.admissionRegistration().v1().validatingWebhookConfigurations().withName(Installed.NAME).delete();
        cluster.client.namespaces().withName(Installed.NAMESPACE).delete();
        Files.deleteIfExists(values);
    }

    /** Test 2: helm install as in the README. */
    @Test
    @Order(1)
    void helmInstallTwoReadyReplicasOneCaEnforcedThroughTheService() throws Exception {
        List<Pod> pods = Installed.readyReplicas(cluster, 2, Duration.ofSeconds(60));
        String ca = Installed.oneCaInEveryConfiguration(cluster, true);
        Installed.everyReplicaServesUnder(ca, pods);
        assertThat(cluster.client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(Installed.NAME)
                .get().getWebhooks()).allSatisfy(w -> assertThat(w.getClientConfig().getService().getName())
                        .as("called through the Service").isEqualTo(Installed.NAME));
        // The chart picked the PodDisruptionBudget's API from the cluster's: policy/v1beta1 on 1.20.
        boolean policyV1 = cluster.client.getApiGroup("policy").getVersions().stream()
                .anyMatch(v -> v.getVersion().equals("v1"));
        assertThat(policyV1 ? cluster.client.policy().v1().podDisruptionBudget().inNamespace(Installed.NAMESPACE)
                .withName(Installed.NAME).get() : cluster.client.policy().v1beta1().podDisruptionBudget()
                .inNamespace(Installed.NAMESPACE).withName(Installed.NAME).get())
                .as("PodDisruptionBudget in policy/" + (policyV1 ? "v1" : "v1beta1")).isNotNull();
        // Through the Service, by the apiserver: a tenant's IfNotPresent becomes Always.
        Pod stored = cluster.client.pods().inNamespace(tenantsNamespace)
                .resource(E2ECluster.sleeper("check", cluster.busybox, "IfNotPresent", null)).dryRun().create();
        assertThat(stored.getSpec().getContainers().get(0).getImagePullPolicy()).isEqualTo("Always");
    }

    /** Test 1: the threat model, with real pulls by the kubelet. */
    @Test
    @Order(2)
    void aCachedPrivateImageRunsOnlyWithCredentialsWhereEnforced() {
        String image = cluster.privateImage;
        // Tenant A pulls its private image with its own pull Secret: now it is in the node's cache.
        String a = cluster.namespace("tenant-a", Installed.profile("tenants"));
        cluster.pullSecret(a, "tenant-a-pull");
        cluster.client.pods().inNamespace(a).resource(E2ECluster.sleeper("app", image, "IfNotPresent", "tenant-a-pull")).create();
        running(a, "app");

        // Tenant B, enforced namespace, no Secret, IfNotPresent: stored as Always, refused by the registry.
        String b = cluster.namespace("tenant-b", Installed.profile("tenants"));
        Pod stolen = cluster.client.pods().inNamespace(b).resource(E2ECluster.sleeper("steal", image, "IfNotPresent", null)).create();
        assertThat(stolen.getSpec().getContainers().get(0).getImagePullPolicy()).as("stored pull policy").isEqualTo("Always");
        String reason = Eventually.until(POD_START, "tenant B's pod fails to pull", () -> {
            String waiting = waitingReason(b, "steal");
            return Set.of("ErrImagePull", "ImagePullBackOff").contains(waiting) ? waiting : null;
        });
        assertThat(reason).isIn("ErrImagePull", "ImagePullBackOff");
        assertThat(phase(b, "steal")).isNotEqualTo("Running");

        // The same pod where nothing is enforced runs from the cache: the webhook made the difference.
        String c = cluster.namespace("tenant-c", Map.of());
        Pod cached = cluster.client.pods().inNamespace(c).resource(E2ECluster.sleeper("steal", image, "IfNotPresent", null)).create();
        assertThat(cached.getSpec().getContainers().get(0).getImagePullPolicy()).isEqualTo("IfNotPresent");
        running(c, "steal");
        assertThat(cluster.events(c, "steal")).anySatisfy(e -> assertThat(e).contains("already present on machine"));
    }

    /** Test 3: a Deployment whose ServiceAccount holds the pull Secret is pinned to the registry's digest. */
    @Test
    @Order(3)
    void deploymentPinnedToTheRegistrysDigestWithOneReplicaSet() throws Exception {
        String ns = cluster.namespace("pinning", Installed.profile("pinning"));
        cluster.pullSecret(ns, "regcred");
        cluster.client.serviceAccounts().inNamespace(ns).resource(new ServiceAccountBuilder().withNewMetadata()
                .withName("puller").endMetadata().addNewImagePullSecret("regcred").build()).create();
        Pod template = E2ECluster.sleeper("x", cluster.privateImage, null, null);
        Deployment deployment = new DeploymentBuilder().withNewMetadata().withName("pinned").endMetadata()
                .withNewSpec().withReplicas(2).withNewSelector().addToMatchLabels("app", "pinned").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "pinned").endMetadata()
                .withSpec(new PodBuilder(template).editSpec().withServiceAccountName("puller").endSpec().build().getSpec())
                .endTemplate().endSpec().build();
        Deployment stored = cluster.client.apps().deployments().inNamespace(ns).resource(deployment).create();

        String expected = cluster.privateImage + "@sha256:" + registryDigest(cluster.privateImage);
        assertThat(stored.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo(expected);
        List<Pod> pods = Eventually.until(POD_START, "2 pinned pods running", () -> {
            List<Pod> running = cluster.client.pods().inNamespace(ns).withLabel("app", "pinned").list().getItems()
                    .stream().filter(p -> "Running".equals(p.getStatus().getPhase())).toList();
            return running.size() == 2 ? running : null;
        });
        assertThat(pods).allSatisfy(p -> assertThat(p.getSpec().getContainers().get(0).getImage()).isEqualTo(expected));
        Eventually.until(Duration.ofSeconds(30), "the Deployment's rollout is complete", () -> {
            Deployment d = cluster.client.apps().deployments().inNamespace(ns).withName("pinned").get();
            return d.getStatus().getObservedGeneration() >= d.getMetadata().getGeneration()
                    && Integer.valueOf(2).equals(d.getStatus().getUpdatedReplicas());
        });
        List<ReplicaSet> sets = cluster.client.apps().replicaSets().inNamespace(ns).withLabel("app", "pinned").list().getItems();
        assertThat(sets).as("ReplicaSets of the pinned Deployment").hasSize(1);
    }

    /** Test 5: the webhook scaled to 0: enforcing profiles fail closed, defaulting-only ones open. */
    @Test
    @Order(4)
    void scaledToZeroAlwaysPullNamespacesRefuseAndDefaultingOnlyAdmit() {
        String open = cluster.namespace("defaulting", Map.of());
        try {
            cluster.client.apps().deployments().inNamespace(Installed.NAMESPACE).withName(Installed.NAME).scale(0);
            // Replicas that are shutting down still answer on the apiserver's open connections for
            // their shutdown delay, as they should; once they are gone, creations are refused.
            String refusal = Eventually.until(Duration.ofSeconds(90), "a pod in an alwaysPull namespace refused", () -> {
                try {
                    cluster.client.pods().inNamespace(tenantsNamespace)
                            .resource(E2ECluster.sleeper("refused", cluster.busybox, "IfNotPresent", null)).dryRun().create();
                    return null;
                } catch (KubernetesClientException e) {
                    return e.getMessage();
                }
            });
            assertThat(refusal).contains("failed calling webhook");
            assertThatThrownBy(() -> cluster.client.pods().inNamespace(tenantsNamespace)
                    .resource(E2ECluster.sleeper("refused", cluster.busybox, "IfNotPresent", null)).create())
                    .as("a pod in an alwaysPull namespace while the webhook is down")
                    .isInstanceOf(KubernetesClientException.class).hasMessageContaining("failed calling webhook");
            Pod admitted = cluster.client.pods().inNamespace(open)
                    .resource(E2ECluster.sleeper("admitted", cluster.busybox, "IfNotPresent", null)).create();
            assertThat(admitted.getMetadata().getUid()).isNotBlank();
        } finally {
            cluster.client.apps().deployments().inNamespace(Installed.NAMESPACE).withName(Installed.NAME).scale(2);
            Installed.readyReplicas(cluster, 2, Duration.ofSeconds(120));
        }
    }

    /** Test 4: kubectl rollout restart while a client creates pods: no admission fails. */
    @Test
    @Order(5)
    void rollingRestartUnderContinuousPodCreationFailsNoAdmission() throws Exception {
        String ns = cluster.namespace("load", Installed.profile("tenants"));
        AtomicInteger admitted = new AtomicInteger();
        AtomicInteger sequence = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        ScheduledExecutorService load = Executors.newScheduledThreadPool(2);
        Runnable create = () -> {
            String name = "load-" + sequence.incrementAndGet();
            // No scheduler serves this name: the pods are stored and never run, so neither the
            // scheduler nor the node spend the machine's two cores on them.
            Pod pod = new PodBuilder(E2ECluster.sleeper(name, cluster.busybox, "IfNotPresent", null))
                    .editSpec().withSchedulerName("ipw-e2e-unscheduled").endSpec().build();
            try {
                Pod stored = cluster.client.pods().inNamespace(ns).resource(pod).create();
                if ("Always".equals(stored.getSpec().getContainers().get(0).getImagePullPolicy())) {
                    admitted.incrementAndGet();
                } else {
                    failures.add(name + ": admitted without enforcement");
                }
            } catch (RuntimeException e) {
                failures.add(name + ": " + e.getMessage());
            }
        };
        try {
            load.scheduleAtFixedRate(create, 0, 100, TimeUnit.MILLISECONDS);
            load.scheduleAtFixedRate(create, 50, 100, TimeUnit.MILLISECONDS);
            Eventually.until(Duration.ofSeconds(30), "load running", () -> sequence.get() >= 20);
            Set<String> before = Installed.webhookPods(cluster).stream().map(p -> p.getMetadata().getName())
                    .collect(Collectors.toSet());
            cluster.kubectl("-n", Installed.NAMESPACE, "rollout", "restart", "deployment/" + Installed.NAME);
            Eventually.until(Duration.ofSeconds(180), "the restart replaced both replicas", () -> {
                List<Pod> pods = Installed.readyNow(cluster, 2);
                return pods != null && pods.stream().noneMatch(p -> before.contains(p.getMetadata().getName()));
            });
            int after = sequence.get();
            Eventually.until(Duration.ofSeconds(30), "load after the restart", () -> sequence.get() >= after + 20);
        } finally {
            // Let the creations in flight finish: interrupting them would count as failures.
            load.shutdown();
            if (!load.awaitTermination(60, TimeUnit.SECONDS)) {
                load.shutdownNow();
            }
        }
        System.out.printf("rolling restart: %d pods admitted, %d failed%n", admitted.get(), failures.size());
        assertThat(failures).as("failed admissions during the restart").isEmpty();
        assertThat(admitted.get()).isGreaterThan(100);
    }

    /** Test 6, first half: helm upgrade changing a profile rolls the webhook and the change applies. */
    @Test
    @Order(6)
    void helmUpgradeChangingAProfileRollsTheWebhookAndApplies() throws Exception {
        Set<String> before = Installed.webhookPods(cluster).stream().map(p -> p.getMetadata().getName())
                .collect(Collectors.toSet());
        UpgradeCommand upgrade = new Helm(CHART).upgrade().withName(Installed.NAME).withNamespace(Installed.NAMESPACE)
                .withKubeConfig(cluster.kubeconfig)
                .set("image.repository", repository(cluster.webhookImage)).set("image.tag", tag(cluster.webhookImage))
                .set("profiles.tenants.alwaysPull", false).withValuesFile(values)
                .waitReady().withTimeout(240);
        extraValues().forEach(upgrade::set);
        upgrade.call();
        Eventually.until(Duration.ofSeconds(120), "new webhook pods replaced the old ones", () -> {
            List<Pod> pods = Installed.readyNow(cluster, 2);
            return pods != null && pods.stream().noneMatch(p -> before.contains(p.getMetadata().getName()));
        });
        Pod stored = Eventually.until(Duration.ofSeconds(30), "the tenants profile no longer forces Always", () -> {
            Pod p = cluster.client.pods().inNamespace(tenantsNamespace)
                    .resource(E2ECluster.sleeper("after-upgrade", cluster.busybox, "IfNotPresent", null)).dryRun().create();
            return "IfNotPresent".equals(p.getSpec().getContainers().get(0).getImagePullPolicy()) ? p : null;
        });
        assertThat(stored.getSpec().getContainers().get(0).getImagePullPolicy()).isEqualTo("IfNotPresent");
    }

    /** Test 6, second half: helm uninstall leaves no webhook configuration that could block the cluster. */
    @Test
    @Order(7)
    void helmUninstallLeavesNoWebhookConfiguration() {
        String pinning = cluster.namespace("after-uninstall", Installed.profile("pinning"));
        Helm.uninstall(Installed.NAME).withNamespace(Installed.NAMESPACE).withKubeConfig(cluster.kubeconfig).call();
        var admission = cluster.client.admissionRegistration().v1();
        Eventually.until(Duration.ofSeconds(30), "no webhook configuration of the release",
                () -> admission.mutatingWebhookConfigurations().withLabel("app.kubernetes.io/instance", Installed.NAME)
                        .list().getItems().isEmpty()
                        && admission.validatingWebhookConfigurations().withLabel("app.kubernetes.io/instance", Installed.NAME)
                        .list().getItems().isEmpty());
        assertThat(admission.mutatingWebhookConfigurations().withName(Installed.NAME).get()).isNull();
        assertThat(admission.validatingWebhookConfigurations().withName(Installed.NAME).get()).isNull();
        // The namespaces the Fail profiles selected take pods again, untouched.
        Pod pod = cluster.client.pods().inNamespace(pinning)
                .resource(E2ECluster.sleeper("free", cluster.busybox, "IfNotPresent", null)).create();
        assertThat(pod.getSpec().getContainers().get(0).getImagePullPolicy()).isEqualTo("IfNotPresent");
        assertThat(pod.getSpec().getContainers().get(0).getImage()).isEqualTo(cluster.busybox);
    }

    // -------------------------------------------------------------------------------------------

    private void running(String ns, String pod) {
        Eventually.until(POD_START, ns + "/" + pod + " running", () -> "Running".equals(phase(ns, pod)));
    }

    private String phase(String ns, String pod) {
        Pod p = cluster.client.pods().inNamespace(ns).withName(pod).get();
        return p == null || p.getStatus() == null ? null : p.getStatus().getPhase();
    }

    private String waitingReason(String ns, String pod) {
        Pod p = cluster.client.pods().inNamespace(ns).withName(pod).get();
        return Optional.ofNullable(p).map(Pod::getStatus).map(s -> s.getContainerStatuses()).orElse(List.of()).stream()
                .map(ContainerStatus::getState).filter(s -> s != null && s.getWaiting() != null)
                .map(s -> s.getWaiting().getReason()).findFirst().orElse(null);
    }

    /** The digest as an independent client sees it: sha256 of the manifest bytes skopeo reads. */
    private String registryDigest(String image) throws Exception {
        Process skopeo = new ProcessBuilder("skopeo", "inspect", "--raw", "--tls-verify=false",
                "--authfile", cluster.env.get("E2E_PRIVATE_AUTH"), "docker://" + image).start();
        skopeo.getOutputStream().close();
        byte[] manifest = skopeo.getInputStream().readAllBytes();
        String errors = new String(skopeo.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(skopeo.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(skopeo.exitValue()).as("skopeo inspect --raw: " + errors).isZero();
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(manifest));
    }

    static String repository(String image) {
        return image.substring(0, image.lastIndexOf(':'));
    }

    static String tag(String image) {
        return image.substring(image.lastIndexOf(':') + 1);
    }

    /** {@code -De2e.helm.set=a=b,c=d}: helm values added to the install and the upgrade. */
    static Map<String, String> extraValues() {
        String spec = System.getProperty("e2e.helm.set", "");
        return spec.isBlank() ? Map.of() : java.util.Arrays.stream(spec.split(","))
                .map(kv -> kv.split("=", 2)).collect(Collectors.toMap(kv -> kv[0], kv -> kv[1]));
    }
}
