package io.github.imagepullwebhook.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.github.imagepullwebhook.config.Profile;
import io.github.imagepullwebhook.config.RegistryConfig;
import io.github.imagepullwebhook.credentials.CredentialProviderConfig;
import io.github.imagepullwebhook.config.ServerConfig;
import io.github.imagepullwebhook.config.WebhookConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChartTest {

    static final Path MULTI = Path.of("src/test/resources/chart/multi-profile.yaml");
    static final Path CREDENTIAL_PROVIDERS = Path.of("src/test/resources/chart/credential-providers.yaml");
    static final Map<String, Object> PROVIDED = Map.of("certificates.mode", "provided",
            "certificates.provided.secretName", "my-tls", "certificates.provided.caBundle", "Q0E=");

    @Test
    void lintsCleanWithDefaultAndMultiProfileValues() {
        LintResult plain = new Helm(RenderedChart.CHART).lint().strict().call();
        assertThat(plain.isFailed()).as(plain.getMessages().toString()).isFalse();
        RenderedChart multi = RenderedChart.render(c -> c.withValuesFile(MULTI));
        assertThat(multi.objects).isNotEmpty();
    }

    @Test
    void defaultsMatchTheServersDefaults() {
        RenderedChart chart = RenderedChart.render(Map.of());
        assertThat(chart.kinds()).contains("ServiceAccount", "ConfigMap", "Deployment", "Service", "PodDisruptionBudget",
                "MutatingWebhookConfiguration").doesNotContain("ValidatingWebhookConfiguration", "Namespace");

        Service service = chart.one(Service.class);
        MutatingWebhook webhook = chart.one(MutatingWebhookConfiguration.class).getWebhooks().get(0);
        assertThat(webhook.getClientConfig().getService().getName()).isEqualTo(service.getMetadata().getName());
        assertThat(webhook.getClientConfig().getService().getNamespace()).isEqualTo(RenderedChart.NAMESPACE)
                .isEqualTo(service.getMetadata().getNamespace());
        assertThat(webhook.getClientConfig().getService().getPath()).isEqualTo("/mutate/default");
        assertThat(webhook.getClientConfig().getService().getPort()).isEqualTo(443);
        assertThat(service.getSpec().getPorts()).anySatisfy(p -> {
            assertThat(p.getPort()).isEqualTo(443);
            assertThat(p.getTargetPort().getStrVal()).isEqualTo("https");
        });
        Container container = container(chart);
        assertThat(container.getPorts()).anySatisfy(p -> {
            assertThat(p.getName()).isEqualTo("https");
            assertThat(p.getContainerPort()).isEqualTo(ServerConfig.DEFAULT.port());
        });
        WebhookConfig config = config(chart);
        assertThat(config.server().port()).isEqualTo(ServerConfig.DEFAULT.port());
        assertThat(config.server().metricsPort()).isEqualTo(ServerConfig.DEFAULT.metricsPort());
        assertThat(config.profiles()).isEqualTo(WebhookConfig.DEFAULT.profiles());
        assertThat(webhook.getFailurePolicy()).isEqualTo("Ignore");
        assertThat(webhook.getSideEffects()).isEqualTo("None");
        assertThat(webhook.getAdmissionReviewVersions()).containsExactly("v1", "v1beta1");
        assertThat(webhook.getReinvocationPolicy()).isEqualTo("IfNeeded");
        assertThat(webhook.getMatchPolicy()).isEqualTo("Equivalent");
        assertThat(webhook.getTimeoutSeconds()).isGreaterThan(2);
        assertThat(webhook.getRules()).flatExtracting(r -> r.getResources()).containsExactlyInAnyOrder("pods",
                "pods/ephemeralcontainers", "replicationcontrollers", "podtemplates", "deployments", "statefulsets",
                "daemonsets", "replicasets", "jobs", "cronjobs");
        assertThat(webhook.getNamespaceSelector().getMatchExpressions()).anySatisfy(e -> {
            assertThat(e.getKey()).isEqualTo("kubernetes.io/metadata.name");
            assertThat(e.getOperator()).isEqualTo("NotIn");
            assertThat(e.getValues()).containsExactlyInAnyOrder("kube-system", RenderedChart.NAMESPACE);
        });
        Deployment deployment = chart.one(Deployment.class);
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        assertThat(chart.one(PodDisruptionBudget.class).getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(container.getEnv()).anySatisfy(e -> assertThat(e.getName()).isEqualTo("POD_NAMESPACE"));
    }

    @Test
    void everyProfileHasAWebhookEntryAndEveryEntryAProfile() {
        RenderedChart chart = RenderedChart.render(c -> c.withValuesFile(MULTI));
        WebhookConfig config = config(chart);
        assertThat(config.profiles()).containsOnlyKeys("default", "tenants", "ci")
                .containsEntry("tenants", new Profile(true, true, true, Profile.PinScope.PODS))
                .containsEntry("default", new Profile(true, false));
        assertThat(config.registry().timeout()).isEqualTo(java.time.Duration.ofSeconds(3));
        assertThat(config.registry().onError()).isEqualTo(io.github.imagepullwebhook.config.RegistryConfig.OnError.DENY);
        assertThat(config.registry().allow()).containsExactly("registry.internal.example.com");
        assertThat(config.ignoreNamespaces()).containsExactly("monitoring");

        List<MutatingWebhook> mutating = chart.one(MutatingWebhookConfiguration.class).getWebhooks();
        assertThat(mutating).extracting(w -> w.getClientConfig().getService().getPath())
                .containsExactlyInAnyOrderElementsOf(config.profiles().keySet().stream().map(p -> "/mutate/" + p).toList());
        List<ValidatingWebhook> validating = chart.one(ValidatingWebhookConfiguration.class).getWebhooks();
        assertThat(validating).extracting(w -> w.getClientConfig().getService().getPath())
                .containsExactlyInAnyOrder("/validate/tenants", "/validate/ci");

        MutatingWebhook tenants = mutating.stream().filter(w -> w.getName().startsWith("tenants.")).findFirst().orElseThrow();
        assertThat(tenants.getFailurePolicy()).isEqualTo("Fail");
        assertThat(tenants.getNamespaceSelector().getMatchLabels()).containsEntry("image-pull-webhook.io/profile", "tenants");
        assertThat(mutating.stream().filter(w -> w.getName().startsWith("ci.")).findFirst().orElseThrow().getFailurePolicy())
                .as("enforcing profiles fail closed by default").isEqualTo("Fail");
        MutatingWebhook defaults = mutating.stream().filter(w -> w.getName().startsWith("default.")).findFirst().orElseThrow();
        assertThat(defaults.getNamespaceSelector().getMatchExpressions()).hasSize(2);
    }

    @Test
    void managedCertificatesMode() {
        RenderedChart chart = RenderedChart.render(Map.of());
        assertThat(container(chart).getArgs()).contains("--manage-certificates",
                "--certificate-secret=image-pull-webhook-tls", "--webhook-configuration=image-pull-webhook");
        assertThat(chart.one(MutatingWebhookConfiguration.class).getMetadata().getAnnotations()).isNullOrEmpty();
        assertThat(chart.one(Role.class).getRules()).singleElement().satisfies(rule -> {
            assertThat(rule.getResources()).containsExactly("secrets");
            assertThat(rule.getResourceNames()).containsExactly("image-pull-webhook-tls");
            assertThat(rule.getVerbs()).containsExactlyInAnyOrder("get", "update");
        });
        assertThat(chart.one(ClusterRole.class).getRules()).allSatisfy(rule ->
                assertThat(rule.getResourceNames()).containsExactly("image-pull-webhook"));
        assertThat(pod(chart).getAutomountServiceAccountToken()).isTrue();
    }

    @Test
    void certManagerMode() {
        RenderedChart chart = RenderedChart.render(c -> c.withValuesFile(MULTI).set("certificates.mode", "certManager"));
        String inject = RenderedChart.NAMESPACE + "/" + RenderedChart.RELEASE;
        assertThat(chart.one(MutatingWebhookConfiguration.class).getMetadata().getAnnotations())
                .containsEntry("cert-manager.io/inject-ca-from", inject);
        assertThat(chart.one(ValidatingWebhookConfiguration.class).getMetadata().getAnnotations())
                .containsEntry("cert-manager.io/inject-ca-from", inject);
        GenericKubernetesResource certificate = chart.all(GenericKubernetesResource.class).stream()
                .filter(r -> r.getKind().equals("Certificate")).findFirst().orElseThrow();
        assertThat(certificate.getMetadata().getName()).isEqualTo(RenderedChart.RELEASE);
        @SuppressWarnings("unchecked")
        List<String> dnsNames = (List<String>) ((Map<String, Object>) certificate.getAdditionalProperties().get("spec")).get("dnsNames");
        assertThat(dnsNames).contains("image-pull-webhook.image-pull-webhook.svc");
        assertThat(secretVolumes(chart)).containsExactly("image-pull-webhook-tls");
        assertThat(chart.kinds()).doesNotContain("Role", "Secret");
        assertThat(chart.one(ClusterRole.class).getMetadata().getName()).as("only the pull-secret reader")
                .isEqualTo("image-pull-webhook-pull-secrets");
        assertThat(pod(chart).getAutomountServiceAccountToken()).as("pinning reads Secrets").isTrue();
        RenderedChart noPinning = RenderedChart.render(c -> c.set("certificates.mode", "certManager"));
        assertThat(noPinning.kinds()).doesNotContain("Role", "ClusterRole", "Secret");
        assertThat(pod(noPinning).getAutomountServiceAccountToken()).isFalse();
        assertThat(noPinning.one(ServiceAccount.class).getAutomountServiceAccountToken()).isFalse();
        assertThat(secretVolumes(RenderedChart.render(Map.of()))).as("managed mode mounts no Secret").isEmpty();
        assertThat(config(chart).server().tls().certFile()).isEqualTo("/etc/image-pull-webhook/tls/tls.crt");
    }

    @Test
    void providedMode() {
        RenderedChart chart = RenderedChart.render(PROVIDED);
        assertThat(chart.one(MutatingWebhookConfiguration.class).getWebhooks())
                .allSatisfy(w -> assertThat(w.getClientConfig().getCaBundle()).isEqualTo("Q0E="));
        assertThat(secretVolumes(chart)).containsExactly("my-tls");
        assertThat(chart.kinds()).doesNotContain("Role", "ClusterRole", "Certificate");
        assertThatThrownBy(() -> RenderedChart.render(Map.of("certificates.mode", "provided")))
                .hasMessageContaining("is required in provided mode");
    }

    @ParameterizedTest
    @ValueSource(strings = {"managed", "certManager", "provided"})
    void noRuleGrantsListWatchOrWildcards(String mode) {
        RenderedChart chart = RenderedChart.render(c -> {
            c.withValuesFile(MULTI).set("certificates.mode", mode);
            if (mode.equals("provided")) {
                PROVIDED.forEach(c::set);
            }
            return c;
        });
        List<PolicyRule> rules = Stream.concat(chart.all(Role.class).stream().flatMap(r -> r.getRules().stream()),
                chart.all(ClusterRole.class).stream().flatMap(r -> r.getRules().stream())).toList();
        assertThat(rules).allSatisfy(rule -> {
            assertThat(rule.getVerbs()).doesNotContain("list", "watch", "*", "create", "delete");
            assertThat(rule.getResources()).doesNotContain("*");
            assertThat(rule.getApiGroups()).doesNotContain("*");
            if (rule.getResourceNames() == null || rule.getResourceNames().isEmpty()) {
                // Pinning reads whichever pull Secret a pod names: get only, never list or watch.
                assertThat(rule.getVerbs()).containsExactly("get");
                assertThat(rule.getResources()).containsExactlyInAnyOrder("secrets", "serviceaccounts");
            }
        });
        assertThat(rules).as("the multi-profile values pin, so the pull-secret rule is there")
                .anyMatch(rule -> rule.getResources().contains("secrets") && rule.getResourceNames().isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"managed", "certManager"})
    void podsRunRestricted(String mode) {
        RenderedChart chart = RenderedChart.render(Map.of("certificates.mode", mode));
        PodSpec pod = pod(chart);
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        Container container = container(chart);
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(container.getResources().getLimits()).containsKey("memory");
        assertThat(container.getVolumeMounts()).anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
    }

    @Test
    void badValuesAreRejectedByTheSchema() {
        assertThatThrownBy(() -> RenderedChart.render(c -> c.withValuesFile(Path.of("src/test/resources/chart/typo.yaml"))))
                .hasMessageContaining("alwaysPul");
        assertThatThrownBy(() -> RenderedChart.render(Map.of("certificates.mode", "selfSigned")))
                .hasMessageContaining("/certificates/mode");
        assertThatThrownBy(() -> RenderedChart.render(Map.of("profiles.Bad_Name.alwaysPull", true)))
                .hasMessageContaining("Bad_Name");
        assertThatThrownBy(() -> RenderedChart.render(Map.of("replicaCount", 0))).hasMessageContaining("replicaCount");
        assertThatThrownBy(() -> RenderedChart.render(Map.of("registry.timeout", "2 seconds"))).hasMessageContaining("timeout");
        assertThatThrownBy(() -> RenderedChart.render(Map.of("profiles.default.pinScope", "everything")))
                .hasMessageContaining("pinScope");
    }

    @Test
    void credentialProvidersGetTheirConfigurationPluginVolumeAndIdentity() throws Exception {
        RenderedChart chart = RenderedChart.render(c -> c.withValuesFile(CREDENTIAL_PROVIDERS));
        RegistryConfig registry = config(chart).registry();
        String dir = "/etc/image-pull-webhook/credential-providers";
        assertThat(registry.credentialProviderConfig()).isEqualTo(dir + "/config/config.yaml");
        assertThat(registry.credentialProviderBinDir()).isEqualTo(dir + "/bin");
        CredentialProviderConfig providers = CredentialProviderConfig.parse(
                chart.one(ConfigMap.class).getData().get("credential-provider-config.yaml"), "chart");
        assertThat(providers.providers()).singleElement().satisfies(ecr -> {
            assertThat(ecr.name()).isEqualTo("ecr-credential-provider");
            assertThat(ecr.defaultCacheDuration()).isEqualTo(Duration.ofHours(12));
            assertThat(ecr.env()).containsEntry("AWS_STS_REGIONAL_ENDPOINTS", "regional");
        });
        PodSpec pod = pod(chart);
        assertThat(pod.getShareProcessNamespace()).as("orphans of killed plugins are reaped").isTrue();
        Volume config = volume(pod, "credential-provider-config");
        assertThat(config.getConfigMap().getName()).isEqualTo(chart.one(ConfigMap.class).getMetadata().getName());
        assertThat(config.getConfigMap().getItems()).singleElement().satisfies(item -> {
            assertThat(item.getKey()).isEqualTo("credential-provider-config.yaml");
            assertThat(item.getPath()).isEqualTo("config.yaml");
        });
        assertThat(volume(pod, "credential-provider-bin").getImage().getReference())
                .isEqualTo("registry.example.com/tools/credential-providers:1.0");
        assertThat(container(chart).getVolumeMounts()).filteredOn(m -> m.getName().startsWith("credential-provider"))
                .extracting(VolumeMount::getMountPath, VolumeMount::getReadOnly)
                .containsExactlyInAnyOrder(tuple(dir + "/config", true),
                        tuple(dir + "/bin", true));
        assertThat(chart.one(ServiceAccount.class).getMetadata().getAnnotations())
                .containsEntry("eks.amazonaws.com/role-arn", "arn:aws:iam::123456789012:role/image-pull-webhook");
    }

    @Test
    void credentialProvidersFromAnExistingConfigMap() {
        RenderedChart chart = RenderedChart.render(c -> c.set("profiles.default.pinDigests", true)
                .set("credentialProviders.existingConfigMap.name", "node-credential-providers")
                .set("credentialProviders.existingConfigMap.key", "config.json")
                .set("credentialProviders.binVolume.hostPath.path", "/usr/libexec/kubernetes/kubelet-plugins/credential-provider/exec"));
        Volume config = volume(pod(chart), "credential-provider-config");
        assertThat(config.getConfigMap().getName()).isEqualTo("node-credential-providers");
        assertThat(config.getConfigMap().getItems()).singleElement().satisfies(item -> {
            assertThat(item.getKey()).isEqualTo("config.json");
            assertThat(item.getPath()).isEqualTo("config.yaml");
        });
        assertThat(chart.one(ConfigMap.class).getData()).containsOnlyKeys("config.yaml");
        assertThat(config(chart).registry().hasCredentialProviders()).isTrue();
    }

    @Test
    void withoutCredentialProvidersNothingOfThemIsRendered() {
        RenderedChart chart = RenderedChart.render(c -> c.withValuesFile(MULTI));
        assertThat(pod(chart).getShareProcessNamespace()).isNull();
        assertThat(pod(chart).getVolumes()).noneMatch(v -> v.getName().startsWith("credential-provider"));
        assertThat(config(chart).registry().hasCredentialProviders()).isFalse();
        assertThat(chart.one(ConfigMap.class).getData()).containsOnlyKeys("config.yaml");
    }

    @Test
    void halfOrUnusedCredentialProviderSetupsAreRefused() {
        assertThatThrownBy(() -> RenderedChart.render(c -> c.set("profiles.default.pinDigests", true)
                .set("credentialProviders.existingConfigMap.name", "node-credential-providers")))
                .hasMessageContaining("credentialProviders.binVolume is required");
        assertThatThrownBy(() -> RenderedChart.render(c -> c.withValuesFile(CREDENTIAL_PROVIDERS)
                .set("credentialProviders.existingConfigMap.name", "mine")))
                .hasMessageContaining("set config or existingConfigMap.name, not both");
        assertThatThrownBy(() -> RenderedChart.render(c -> c.withValuesFile(CREDENTIAL_PROVIDERS)
                .set("profiles.default.pinDigests", false)))
                .hasMessageContaining("no profile has pinDigests: true");
        assertThatThrownBy(() -> RenderedChart.render(c -> c.withValuesFile(CREDENTIAL_PROVIDERS)
                .set("credentialProviders.binDir", "/plugins")))
                .hasMessageContaining("binDir");
        assertThatThrownBy(() -> RenderedChart.render(c -> c.withValuesFile(CREDENTIAL_PROVIDERS)
                .set("credentialProviders.config.providers[0].name", "bin/ecr")))
                .hasMessageContaining("/credentialProviders/config/providers/0/name");
        assertThatThrownBy(() -> RenderedChart.render(Map.of("registry.credentialProviderBinDir", "/plugins")))
                .as("the chart sets the paths itself").hasMessageContaining("credentialProviderBinDir");
    }

    static Volume volume(PodSpec pod, String name) {
        return pod.getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst().orElseThrow();
    }

    static List<String> secretVolumes(RenderedChart chart) {
        return pod(chart).getVolumes().stream().filter(v -> v.getSecret() != null)
                .map(v -> v.getSecret().getSecretName()).toList();
    }

    static Container container(RenderedChart chart) {
        return pod(chart).getContainers().get(0);
    }

    static PodSpec pod(RenderedChart chart) {
        return chart.one(Deployment.class).getSpec().getTemplate().getSpec();
    }

    static WebhookConfig config(RenderedChart chart) {
        return WebhookConfig.parse(chart.one(ConfigMap.class).getData().get("config.yaml"));
    }
}
