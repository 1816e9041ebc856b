package io.github.imagepullwebhook.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapVolumeSource;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperations;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.github.imagepullwebhook.config.Profile;
import io.github.imagepullwebhook.config.RegistryConfig;
import io.github.imagepullwebhook.credentials.CredentialProviderConfig;
import io.github.imagepullwebhook.config.ServerConfig;
import io.github.imagepullwebhook.config.TlsConfig;
import io.github.imagepullwebhook.config.WebhookConfig;
import io.github.imagepullwebhook.image.ImagePattern;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChartTest {

    static final Path MULTI = Path.of("src/test/resources/chart/multi-profile.yaml");
    static final Path CREDENTIAL_PROVIDERS = Path.of("src/test/resources/chart/credential-providers.yaml");
    static final Map<String, Object> PROVIDED = Map.of("certificates.mode", "provided",
            "certificates.provided.secretName", "my-tls", "certificates.provided.caBundle", "Q0E=");
    static final Path NETWORK_POLICY = Path.of("src/test/resources/chart/network-policy.yaml");
    static final String CLIENT_CA = "-----BEGIN CERTIFICATE-----\nMIIBdzCCAR2gAwIBAgIQ\n-----END CERTIFICATE-----\n";

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
                "MutatingWebhookConfiguration", "NetworkPolicy").doesNotContain("ValidatingWebhookConfiguration", "Namespace");

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
        assertThat(webhook.getRules()).as("the default profile only defaults, which the apiserver does for templates")
                .flatExtracting(r -> r.getResources()).containsExactlyInAnyOrder("pods", "pods/ephemeralcontainers");
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
                .containsEntry("tenants", new Profile(true, true, Profile.Scope.PODS, true, Profile.PinScope.PODS, false, false, List.of(), List.of()))
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
    void webhookRulesFollowTheProfilesScope() {
        RenderedChart chart = RenderedChart.render(c -> c.withValuesFile(MULTI));
        WebhookConfig config = config(chart);
        assertThat(config.profiles().get("ci").rules().alwaysPullWorkloads()).isTrue();
        assertThat(config.profiles().get("ci").alwaysPullExempt()).extracting(ImagePattern::text)
                .containsExactly("registry.k8s.io", "docker.io/library");
        assertThat(config.profiles().get("ci").warnLatest()).isTrue();
        Map<String, List<String>> mutating = resources(chart.one(MutatingWebhookConfiguration.class).getWebhooks().stream()
                .collect(Collectors.toMap(MutatingWebhook::getName, MutatingWebhook::getRules)));
        Map<String, List<String>> validating = resources(chart.one(ValidatingWebhookConfiguration.class).getWebhooks()
                .stream().collect(Collectors.toMap(ValidatingWebhook::getName, ValidatingWebhook::getRules)));
        List<String> podsOnly = List.of("pods", "pods/ephemeralcontainers");
        assertThat(mutating.get("default.mutate.image-pull-webhook.io")).as("defaulting: the apiserver defaults templates")
                .containsExactlyElementsOf(podsOnly);
        assertThat(mutating.get("tenants.mutate.image-pull-webhook.io")).as("alwaysPull on pods, pinning pods only")
                .containsExactlyElementsOf(podsOnly);
        assertThat(validating.get("tenants.validate.image-pull-webhook.io")).containsExactlyElementsOf(podsOnly);
        assertThat(mutating.get("ci.mutate.image-pull-webhook.io")).as("the workloads scope")
                .contains("pods", "pods/ephemeralcontainers", "deployments", "cronjobs", "podtemplates");
        assertThat(validating.get("ci.validate.image-pull-webhook.io")).contains("deployments", "cronjobs");

        RenderedChart pins = RenderedChart.render(Map.of("profiles.default.pinDigests", true));
        assertThat(resources(pins.one(MutatingWebhookConfiguration.class).getWebhooks().stream()
                .collect(Collectors.toMap(MutatingWebhook::getName, MutatingWebhook::getRules)))
                .get("default.mutate.image-pull-webhook.io")).as("pinning templates").contains("deployments");
    }

    @Test
    void checkingPullSecretsGrantsGetOnSecrets() {
        assertThat(RenderedChart.render(Map.of()).all(ClusterRole.class)).noneMatch(role -> role.getRules().stream()
                .anyMatch(rule -> rule.getResources().contains("secrets")));
        assertThat(RenderedChart.render(Map.of("profiles.default.checkPullSecrets", true)).all(ClusterRole.class))
                .anyMatch(role -> role.getRules().stream().anyMatch(rule -> rule.getResources().contains("secrets")
                        && rule.getVerbs().equals(List.of("get"))));
    }

    @Test
    void anAuditRoleListsWhatAuditReadsAndNothingElse() {
        assertThat(RenderedChart.render(Map.of()).all(ClusterRole.class)).noneMatch(r -> r.getMetadata().getName()
                .endsWith("-audit"));
        ClusterRole audit = RenderedChart.render(Map.of("auditRole.create", true)).all(ClusterRole.class).stream()
                .filter(r -> r.getMetadata().getName().endsWith("-audit")).findFirst().orElseThrow();
        assertThat(audit.getRules()).allSatisfy(rule -> assertThat(rule.getVerbs()).containsExactly("list"));
        assertThat(audit.getRules()).flatExtracting(PolicyRule::getResources).contains("pods", "deployments", "cronjobs",
                "namespaces").doesNotContain("secrets");
    }

    private static Map<String, List<String>> resources(Map<String, List<RuleWithOperations>> rules) {
        Map<String, List<String>> resources = new TreeMap<>();
        rules.forEach((name, list) -> resources.put(name, list.stream().flatMap(r -> r.getResources().stream()).toList()));
        return resources;
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
        assertThatThrownBy(() -> RenderedChart.render(Map.of("profiles.default.alwaysPullScope", "namespaces")))
                .hasMessageContaining("alwaysPullScope");
        assertThatThrownBy(() -> RenderedChart.render(Map.of("profiles.default.warnLatest", "yes")))
                .hasMessageContaining("warnLatest");
    }

    @Test
    void aNetworkPolicyByDefaultLeavesTheWebhookPortOpenAndClosesMetrics() {
        RenderedChart chart = RenderedChart.render(Map.of());
        NetworkPolicy policy = chart.one(NetworkPolicy.class);
        assertThat(policy.getSpec().getPodSelector().getMatchLabels())
                .isEqualTo(chart.one(Deployment.class).getSpec().getSelector().getMatchLabels());
        assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
        assertThat(policy.getSpec().getIngress()).singleElement().satisfies(rule -> {
            assertThat(rule.getPorts()).singleElement().satisfies(p -> assertThat(p.getPort().getIntVal())
                    .isEqualTo(containerPort(chart, "https")).isEqualTo(ServerConfig.DEFAULT.port()));
            assertThat(rule.getFrom()).as("every source: the apiserver is no pod").isNullOrEmpty();
        });
        assertThat(containerPort(chart, "metrics")).isEqualTo(ServerConfig.DEFAULT.metricsPort());
    }

    @Test
    void networkPolicyPeersForEachPort() {
        RenderedChart chart = RenderedChart.render(c -> c.withValuesFile(NETWORK_POLICY));
        List<NetworkPolicyIngressRule> rules = chart.one(NetworkPolicy.class).getSpec().getIngress();
        assertThat(rules).hasSize(2);
        assertThat(rules.get(0).getPorts()).singleElement().satisfies(p -> assertThat(p.getPort().getIntVal()).isEqualTo(8443));
        assertThat(rules.get(0).getFrom()).extracting(peer -> peer.getIpBlock().getCidr())
                .containsExactly("10.0.0.0/24", "192.168.10.5/32");
        assertThat(rules.get(1).getPorts()).singleElement().satisfies(p -> assertThat(p.getPort().getIntVal()).isEqualTo(9090));
        assertThat(rules.get(1).getFrom()).singleElement().satisfies(peer -> {
            assertThat(peer.getNamespaceSelector().getMatchLabels())
                    .containsEntry("kubernetes.io/metadata.name", "monitoring");
            assertThat(peer.getPodSelector().getMatchLabels()).containsEntry("app.kubernetes.io/name", "prometheus");
        });
        assertThat(RenderedChart.render(Map.of("networkPolicy.enabled", false)).kinds()).doesNotContain("NetworkPolicy");
    }

    @Test
    void aClientCaBundleIsMountedAndNamedInTheConfiguration() {
        RenderedChart chart = RenderedChart.render(c -> c.set("clientAuth.caBundle", CLIENT_CA)
                .set("clientAuth.names[0]", "kube-apiserver").set("clientAuth.names[1]", "apiserver.example"));
        ConfigMap ca = chart.all(ConfigMap.class).stream()
                .filter(m -> m.getMetadata().getName().equals(RenderedChart.RELEASE + "-client-ca")).findFirst().orElseThrow();
        assertThat(ca.getData().get("ca.crt").strip()).isEqualTo(CLIENT_CA.strip());
        TlsConfig tls = config(chart).server().tls();
        assertThat(tls.clientCaFile()).isEqualTo(clientCaMount(chart) + "/ca.crt");
        assertThat(tls.clientNames()).containsExactly("kube-apiserver", "apiserver.example");
        assertThat(tls.generated()).as("managed mode: the serving certificate stays the webhook's own").isTrue();
        assertThat(configMapVolume(chart, "client-ca").getName()).isEqualTo(ca.getMetadata().getName());
        assertThat(configMapVolume(chart, "client-ca").getItems()).singleElement()
                .satisfies(i -> assertThat(i.getKey()).isEqualTo("ca.crt"));
        assertThat(config(RenderedChart.render(PROVIDED)).server().tls().clientAuth()).isFalse();
    }

    /** The CA file is reloaded by the webhook: a new bundle must not roll the pods. */
    @Test
    void aNewClientCaBundleDoesNotRollThePods() {
        String one = RenderedChart.render(Map.of("clientAuth.caBundle", CLIENT_CA)).one(Deployment.class).getSpec()
                .getTemplate().getMetadata().getAnnotations().get("checksum/config");
        String other = RenderedChart.render(Map.of("clientAuth.caBundle", CLIENT_CA + CLIENT_CA)).one(Deployment.class)
                .getSpec().getTemplate().getMetadata().getAnnotations().get("checksum/config");
        assertThat(other).isEqualTo(one);
    }

    @Test
    void anExistingConfigMapOrSecretHoldsTheClientCa() {
        Map<String, Object> provided = new HashMap<>(PROVIDED);
        provided.put("clientAuth.secret", "apiserver-client-ca");
        RenderedChart fromSecret = RenderedChart.render(provided);
        assertThat(secretVolumes(fromSecret)).containsExactly("my-tls", "apiserver-client-ca");
        TlsConfig tls = config(fromSecret).server().tls();
        assertThat(tls.certFile()).isEqualTo("/etc/image-pull-webhook/tls/tls.crt");
        assertThat(tls.clientCaFile()).isEqualTo(clientCaMount(fromSecret) + "/ca.crt");
        assertThat(tls.clientNames()).isEmpty();

        RenderedChart fromConfigMap = RenderedChart.render(Map.of("clientAuth.configMap", "apiserver-client-ca"));
        assertThat(fromConfigMap.all(ConfigMap.class)).as("the user's, not the chart's").hasSize(1);
        assertThat(configMapVolume(fromConfigMap, "client-ca").getName()).isEqualTo("apiserver-client-ca");
        assertThat(config(fromConfigMap).server().tls().clientAuth()).isTrue();
    }

    /** helm install prints the notes: they warn when a profile pins and any pod may ask. */
    @Test
    void theNotesWarnWhenPinningIsOpenToEveryCaller() {
        assertThat(notes(c -> c.withValuesFile(MULTI))).contains("WARNING: a profile pins digests and clientAuth is not set");
        assertThat(notes(c -> c.withValuesFile(MULTI).set("clientAuth.configMap", "apiserver-client-ca")))
                .doesNotContain("WARNING");
        assertThat(notes(c -> c)).doesNotContain("WARNING")
                .contains("the NetworkPolicy admits no scraper to the metrics port");
    }

    static String notes(UnaryOperator<InstallCommand> values) {
        return values.apply(new Helm(RenderedChart.CHART).install().withName(RenderedChart.RELEASE)
                .withNamespace(RenderedChart.NAMESPACE).withKubeVersion(RenderedChart.KUBE_VERSION).clientOnly().dryRun())
                .call().getOutput();
    }

    @Test
    void metricsBindAddressReachesTheConfiguration() {
        assertThat(config(RenderedChart.render(Map.of())).server().metricsBindAddress())
                .isEqualTo(ServerConfig.DEFAULT.metricsBindAddress());
        assertThat(config(RenderedChart.render(Map.of("metricsBindAddress", "127.0.0.1"))).server().metricsBindAddress())
                .isEqualTo("127.0.0.1");
    }

    @Test
    void badClientAuthAndNetworkPolicyValuesAreRefused() {
        assertThatThrownBy(() -> RenderedChart.render(Map.of("clientAuth.caBundle", "TUlJQg==")))
                .as("base64 instead of PEM").hasMessageContaining("/clientAuth/caBundle");
        assertThatThrownBy(() -> RenderedChart.render(Map.of("clientAuth.caBundle", CLIENT_CA, "clientAuth.secret", "ca")))
                .hasMessageContaining("clientAuth: set one of caBundle, configMap or secret, not caBundle and secret");
        assertThatThrownBy(() -> RenderedChart.render(Map.of("clientAuth.names[0]", "kube-apiserver")))
                .hasMessageContaining("clientAuth.names needs the CA that signs those certificates");
        assertThatThrownBy(() -> RenderedChart.render(Map.of("clientAuth.configMap", "Not_A_Name")))
                .hasMessageContaining("/clientAuth/configMap");
        assertThatThrownBy(() -> RenderedChart.render(Map.of("networkPolicy.webhook.restricted", true)))
                .as("restricted to no one would stop every review").hasMessageContaining("/networkPolicy/webhook");
        assertThatThrownBy(() -> RenderedChart.render(Map.of("networkPolicy.metrics.from[0].ipBlok.cidr", "10.0.0.0/8")))
                .hasMessageContaining("ipBlok");
        assertThatThrownBy(() -> RenderedChart.render(Map.of("networkPolicy.metrics.from[0].ipBlock.except[0]", "10.1.0.0/16")))
                .as("an ipBlock needs its cidr").hasMessageContaining("cidr");
        assertThatThrownBy(() -> RenderedChart.render(Map.of("metricsBindAddress", "localhost")))
                .hasMessageContaining("/metricsBindAddress");
    }

    static String clientCaMount(RenderedChart chart) {
        return container(chart).getVolumeMounts().stream().filter(m -> m.getName().equals("client-ca")).findFirst()
                .map(m -> {
                    assertThat(m.getSubPath()).as("a subPath mount would never see a new CA").isNull();
                    assertThat(m.getReadOnly()).isTrue();
                    return m.getMountPath();
                }).orElseThrow();
    }

    static ConfigMapVolumeSource configMapVolume(RenderedChart chart, String name) {
        return pod(chart).getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst().orElseThrow()
                .getConfigMap();
    }

    static int containerPort(RenderedChart chart, String name) {
        return container(chart).getPorts().stream().filter(p -> p.getName().equals(name)).findFirst().orElseThrow()
                .getContainerPort();
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
        ConfigMap config = chart.all(ConfigMap.class).stream()
                .filter(m -> m.getMetadata().getName().equals(RenderedChart.RELEASE)).findFirst().orElseThrow();
        return WebhookConfig.parse(config.getData().get("config.yaml"));
    }
}
