package io.github.imagepullwebhook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * {@code audit} end to end: a kubeconfig, fabric8's mock API server answering page by page, the
 * report on standard output and the exit code.
 */
@EnableKubernetesMockClient
class AuditCommandTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String NS = "team-a";
    static final String ENFORCED = "images are always pulled in this namespace";

    KubernetesMockServer server;
    KubernetesClient client;

    @TempDir
    Path dir;
    final CliRun cli = new CliRun();
    MockApi api;
    Path kubeconfig;
    Path config;

    @BeforeEach
    void setUp() throws Exception {
        api = new MockApi(server, client, 2);
        kubeconfig = api.kubeconfig(dir, NS);
        config = Files.writeString(dir.resolve("config.yaml"), """
                profiles:
                  default: {}
                  tenants: {alwaysPull: true, alwaysPullScope: workloads}
                  pinned: {pinDigests: true}
                ignoreNamespaces: [ignored]
                registry:
                  allow: ["127.0.0.1:*"]
                """);
    }

    /** Runs {@code audit} on the mock with the test's config and small pages; no output may show the token. */
    int audit(String... args) {
        List<String> all = new ArrayList<>(List.of("audit", "--kubeconfig", kubeconfig.toString(), "-c",
                config.toString(), "--chunk-size", "2"));
        all.addAll(List.of(args));
        int status = cli.run(all.toArray(String[]::new));
        assertThat(cli.out.toString() + cli.err).doesNotContain(MockApi.TOKEN);
        return status;
    }

    JsonNode report() throws Exception {
        return JSON.readTree(cli.out.toString()); // standard output holds the report and nothing else
    }

    static Set<String> names(JsonNode report) {
        Set<String> names = new TreeSet<>();
        report.forEach(entry -> names.add(entry.path("namespace").asText() + "/" + entry.path("name").asText()));
        return names;
    }

    static String pod(String namespace, String name, String policy, String owner) {
        return "{\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"" + namespace + "\",\"uid\":\"u-" + name + "\""
                + (owner == null ? "" : ",\"ownerReferences\":[" + owner + "]") + "},\"spec\":{\"containers\":[{\"name\":"
                + "\"app\",\"image\":\"registry.example/app:1.0\",\"imagePullPolicy\":\"" + policy + "\"}]},"
                + "\"status\":{\"phase\":\"Running\"}}";
    }

    static String pod(String name, String policy) {
        return pod(NS, name, policy, null);
    }

    static String owner(String apiVersion, String kind, String name) {
        return "{\"apiVersion\":\"" + apiVersion + "\",\"kind\":\"" + kind + "\",\"name\":\"" + name
                + "\",\"uid\":\"o\",\"controller\":true}";
    }

    static String replicaSetPod(String name, String replicaSet) {
        return pod(NS, name, "IfNotPresent", owner("apps/v1", "ReplicaSet", replicaSet));
    }

    static String deployment(String name, String policy) {
        return "{\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"" + NS + "\"},\"spec\":{\"replicas\":2,"
                + "\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"registry.example/web:2\","
                + "\"imagePullPolicy\":\"" + policy + "\"}]}}}}";
    }

    static String cronJob(String name) {
        return "{\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"" + NS + "\"},\"spec\":{\"schedule\":\"@daily\","
                + "\"jobTemplate\":{\"spec\":{\"template\":{\"spec\":{\"restartPolicy\":\"OnFailure\",\"containers\":"
                + "[{\"name\":\"job\",\"image\":\"registry.example/job:3\",\"imagePullPolicy\":\"IfNotPresent\"}]}}}}}}";
    }

    @Test
    void followsContinueTokensUntilTheLastPage() throws Exception {
        api.pages("Pod", NS, List.of(List.of(replicaSetPod("web-1", "web-a"), replicaSetPod("web-2", "web-a")),
                        List.of(replicaSetPod("web-3", "web-b"), replicaSetPod("web-4", "web-b")),
                        List.of(replicaSetPod("web-5", "web-c"))))
                .pages("Deployment", NS, List.of(List.of(deployment("one", "Always"), deployment("two", "Always")),
                        List.of(deployment("three", "IfNotPresent"))))
                .emptyRest(NS);

        assertThat(audit("-p", "tenants", "-o", "json")).as(cli.err.toString()).isZero();
        assertThat(names(report())).containsExactly("team-a/one", "team-a/three", "team-a/two", "team-a/web-1",
                "team-a/web-2", "team-a/web-3", "team-a/web-4", "team-a/web-5");
        assertThat(api.requests()).contains("/api/v1/namespaces/team-a/pods?continue=pods-page-2&limit=2",
                "/api/v1/namespaces/team-a/pods?continue=pods-page-3&limit=2",
                "/apis/apps/v1/namespaces/team-a/deployments?continue=deployments-page-2&limit=2")
                .noneMatch(path -> path.contains("watch"));
    }

    @Test
    void namesWhatWouldChangeWhatWouldBeDeniedAndWhatStaysAsItIs() {
        api.pages("Deployment", NS, List.of(List.of(deployment("web", "IfNotPresent"))))
                .pages("Pod", NS, List.of(List.of(pod("debug", "IfNotPresent"), pod("steady", "Always"))))
                .emptyRest(NS);

        assertThat(audit("-p", "tenants")).as(cli.err.toString()).isEqualTo(AuditCommand.DENIED);
        List<String> lines = cli.out.toString().lines().toList();
        assertThat(lines.get(0)).matches("NAMESPACE +KIND +NAME +ACTION +DETAILS");
        assertThat(lines).hasSize(4);
        assertThat(lines.get(1)).matches("team-a +Deployment +web +would change +"
                + "spec\\.template\\.spec\\.containers\\[0\\]\\.imagePullPolicy \\(was IfNotPresent\\) set to Always \\("
                + ENFORCED + "\\)");
        assertThat(lines.get(2)).startsWith("team-a").contains("Pod", "debug", "would deny",
                "an in-place image update would be denied: Pod \"debug\" is forbidden: images must always be pulled in "
                        + "namespace \"team-a\": spec.containers[0].imagePullPolicy: Forbidden: the image of container "
                        + "\"app\" changed, and the pull policy of an existing pod's container cannot change from "
                        + "\"IfNotPresent\" to \"Always\"; delete the pod and create it again",
                "spec.containers[0].imagePullPolicy (was IfNotPresent) set to Always (" + ENFORCED + ")");
        assertThat(lines.get(3)).matches("team-a +Pod +steady +ok");
        assertThat(cli.err.toString()).contains("profile \"tenants\": 3 objects in 1 namespace: 1 would deny, "
                + "1 would change, 1 ok");
    }

    @Test
    void changesAloneExitZeroAndAProfileThatChangesNothingReportsOk() throws Exception {
        api.pages("Deployment", NS, List.of(List.of(deployment("web", "IfNotPresent"))))
                .pages("Pod", NS, List.of(List.of(replicaSetPod("web-1", "web-a"))))
                .emptyRest(NS);

        assertThat(audit("-p", "tenants", "-o", "json")).as(cli.err.toString()).isZero();
        assertThat(report()).extracting(entry -> entry.path("action").asText()).containsOnly("would change");

        cli.out.getBuffer().setLength(0);
        assertThat(audit("-p", "default", "-o", "json")).isZero();
        assertThat(report()).extracting(entry -> entry.path("action").asText()).containsOnly("ok");
    }

    @Test
    void jsonListsEveryObjectWithItsOwnerChangesWarningsAndDenials() throws Exception {
        api.pages("Pod", NS, List.of(List.of(pod("debug", "IfNotPresent"), replicaSetPod("web-1", "web-a"))))
                .emptyRest(NS);

        assertThat(audit("-p", "tenants", "-o", "json")).isEqualTo(AuditCommand.DENIED);
        JsonNode report = report();
        assertThat(report.isArray()).isTrue();
        JsonNode debug = report.get(0);
        assertThat(fields(debug)).containsExactly("namespace", "kind", "apiVersion", "name", "owner", "action", "changes",
                "wouldPin", "warnings", "denials");
        assertThat(debug.path("kind").asText()).isEqualTo("Pod");
        assertThat(debug.path("apiVersion").asText()).isEqualTo("v1");
        assertThat(debug.path("owner").isNull()).isTrue();
        assertThat(debug.path("action").asText()).isEqualTo("would deny");
        assertThat(debug.path("changes").get(0).toString()).isEqualTo("{\"field\":\"spec.containers[0].imagePullPolicy\","
                + "\"path\":\"/spec/containers/0/imagePullPolicy\",\"from\":\"IfNotPresent\",\"to\":\"Always\"}");
        assertThat(debug.path("warnings").get(0).asText())
                .isEqualTo("image-pull-webhook: spec.containers[0].imagePullPolicy set to Always (" + ENFORCED + ")");
        assertThat(debug.path("denials")).hasSize(1);
        assertThat(debug.path("denials").get(0).path("operation").asText()).isEqualTo("UPDATE");
        assertThat(debug.path("denials").get(0).path("message").asText()).startsWith("Pod \"debug\" is forbidden: ");
        JsonNode owned = report.get(1);
        assertThat(owned.path("owner").toString()).isEqualTo("{\"kind\":\"ReplicaSet\",\"name\":\"web-a\"}");
        assertThat(owned.path("action").asText()).isEqualTo("would change");
        assertThat(owned.path("denials")).isEmpty();
    }

    static List<String> fields(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void aForbiddenKindIsNamedOnStandardErrorAndTheAuditGoesOnIncomplete() throws Exception {
        api.refuse("Deployment", "v1", NS, 403, "deployments.apps is forbidden: User \"auditor\" cannot list resource "
                        + "\"deployments\" in API group \"apps\" in the namespace \"team-a\"")
                .pages("Pod", NS, List.of(List.of(replicaSetPod("web-1", "web-a"))))
                .emptyRest(NS);

        assertThat(audit("-p", "tenants", "-o", "json")).isEqualTo(AuditCommand.INCOMPLETE);
        assertThat(names(report())).containsExactly("team-a/web-1");
        assertThat(cli.err.toString()).contains("image-pull-webhook audit: cannot list deployments.apps in namespace "
                + "\"team-a\": HTTP 403: deployments.apps is forbidden: User \"auditor\" cannot list resource "
                + "\"deployments\" in API group \"apps\" in the namespace \"team-a\"; not audited\n")
                .contains("INCOMPLETE: 1 lists failed");
    }

    @Test
    void aDenialOutranksAnIncompleteAudit() {
        api.refuse("Deployment", "v1", NS, 403, "forbidden")
                .pages("Pod", NS, List.of(List.of(pod("debug", "Never"))))
                .emptyRest(NS);
        assertThat(audit("-p", "tenants")).isEqualTo(AuditCommand.DENIED);
    }

    @Test
    void cronJobsAreReadFromBatchV1beta1WhereBatchV1IsNotServed() throws Exception {
        var cronJobs = MockApi.kind("CronJob");
        for (String namespace : List.of(NS, "team-b")) {
            api.pages(cronJobs, "v1beta1", namespace, List.of(List.of(cronJob("nightly-" + namespace)))).emptyRest(namespace);
        }
        // batch/v1 cronjobs are not served: the mock answers 404, as Kubernetes 1.20 does.

        assertThat(audit("-p", "tenants", "-o", "json", "-n", NS, "-n", "team-b")).as(cli.err.toString()).isZero();
        JsonNode report = report();
        assertThat(report).hasSize(2);
        assertThat(report.get(0).path("apiVersion").asText()).isEqualTo("batch/v1beta1");
        assertThat(report.get(0).path("changes").get(0).path("field").asText())
                .isEqualTo("spec.jobTemplate.spec.template.spec.containers[0].imagePullPolicy");
        assertThat(api.requests()).filteredOn(path -> path.startsWith("/apis/batch/v1/") && path.contains("cronjobs"))
                .as("batch/v1 is asked once, not once per namespace").hasSize(1);
        assertThat(cli.err.toString()).contains("namespace team-a: 1 objects", "namespace team-b: 1 objects");
    }

    @Test
    void allNamespacesLeavesOutWhatTheServerIgnoresButNotKubeSystem() throws Exception {
        api.pages(MockApi.kind("Pod"), "v1", null, List.of(List.of(replicaSetPod("web-1", "web-a"),
                pod("kube-system", "etcd-node1", "IfNotPresent", owner("v1", "Node", "node1"))), List.of(
                pod("ignored", "skipped-1", "IfNotPresent", null),
                pod("image-pull-webhook", "webhook-1", "IfNotPresent", owner("apps/v1", "ReplicaSet", "webhook")))));
        api.emptyRest(null);

        assertThat(audit("-p", "tenants", "-A", "-o", "json")).as(cli.err.toString()).isZero();
        assertThat(names(report())).containsExactly("kube-system/etcd-node1", "team-a/web-1");
        assertThat(cli.err.toString()).contains("2 objects in 4 namespaces", "2 skipped (namespaces the webhook ignores)");
    }

    @Test
    void theWebhookNamespaceCanBeNamed() throws Exception {
        api.pages("Pod", NS, List.of(List.of(replicaSetPod("web-1", "web-a")))).emptyRest(NS);
        assertThat(audit("-p", "tenants", "-o", "json", "--webhook-namespace", NS)).isZero();
        assertThat(report()).isEmpty();
    }

    @Test
    void aNamespaceSelectorAuditsTheNamespacesItMatches() throws Exception {
        server.expect().get().withPath("/api/v1/namespaces?labelSelector=image-pull-webhook.io%2Fprofile%3Dtenants&limit=2")
                .andReturn(200, "{\"kind\":\"NamespaceList\",\"apiVersion\":\"v1\",\"metadata\":{},\"items\":["
                        + "{\"metadata\":{\"name\":\"team-a\"}},{\"metadata\":{\"name\":\"team-c\"}}]}").always();
        api.pages("Pod", NS, List.of(List.of(replicaSetPod("web-1", "web-a")))).emptyRest(NS)
                .pages("Pod", "team-c", List.of(List.of(pod("team-c", "c-1", "Always", null)))).emptyRest("team-c");

        assertThat(audit("-p", "tenants", "-o", "json", "-l", "image-pull-webhook.io/profile=tenants"))
                .as(cli.err.toString()).isZero();
        assertThat(names(report())).containsExactly("team-a/web-1", "team-c/c-1");

        server.expect().get().withPath("/api/v1/namespaces?labelSelector=%3Dx&limit=2").andReturn(400, "{\"kind\":"
                + "\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\"unable to parse requirement: "
                + "found '=', expected: identifier\",\"code\":400}").always();
        cli.err.getBuffer().setLength(0);
        assertThat(audit("-l", "=x")).isEqualTo(2);
        assertThat(cli.err.toString().trim()).isEqualTo("image-pull-webhook audit: invalid namespace selector \"=x\": "
                + "unable to parse requirement: found '=', expected: identifier");
    }

    @Test
    void podsOfOneOwnerWithTheSameAnswerAreOneRowOfTheTable() {
        api.pages("Pod", NS, List.of(List.of(replicaSetPod("web-a-1", "web-a"), replicaSetPod("web-a-2", "web-a")),
                List.of(replicaSetPod("web-a-3", "web-a"), pod("solo", "Always")))).emptyRest(NS);

        assertThat(audit("-p", "tenants")).isZero();
        assertThat(cli.out.toString().lines().toList()).hasSize(3)
                .anySatisfy(line -> assertThat(line).matches("team-a +Pod +web-a-1 \\(\\+2 more\\) +would change +owned by "
                        + "ReplicaSet/web-a; spec\\.containers\\[0\\]\\.imagePullPolicy \\(was IfNotPresent\\) set to .*"));
    }

    @Test
    void imagesThatWouldBePinnedAreNamedWithoutAskingTheRegistry() throws Exception {
        try (ServerSocket registry = new ServerSocket(0)) {
            String image = "127.0.0.1:" + registry.getLocalPort() + "/team/app:1.0";
            api.pages("Pod", NS, List.of(List.of(pod("solo", "Always").replace("registry.example/app:1.0", image))))
                    .emptyRest(NS);

            assertThat(audit("-p", "pinned")).isZero();
            assertThat(cli.out.toString()).contains("would change", "spec.containers[0].image \"" + image
                    + "\" would be pinned to its digest (not resolved by audit)");
            registry.setSoTimeout(200);
            try {
                registry.accept().close();
                throw new AssertionError("audit connected to the registry");
            } catch (SocketTimeoutException expected) {
                // nobody called
            }
        }
    }

    @Test
    void anApiServerThatDoesNotAnswerEndsTheAuditWithOneLine() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        Files.writeString(kubeconfig, Files.readString(kubeconfig)
                .replace(client.getConfiguration().getMasterUrl(), "https://127.0.0.1:" + closed + "/"));

        assertThat(audit("-p", "tenants")).isEqualTo(AuditCommand.CANNOT_AUDIT);
        assertThat(cli.out.toString()).isEmpty();
        assertThat(cli.err.toString().lines().toList()).hasSize(1).first().asString()
                .isEqualTo("image-pull-webhook audit: the API server at https://127.0.0.1:" + closed + " did not answer: "
                        + "ConnectException");
    }

    @Test
    void refusedCredentialsOrARefusedNamespaceListEndTheAuditWithOneLine() {
        api.refuse("Deployment", "v1", NS, 401, "Unauthorized").emptyRest(NS);
        assertThat(audit("-p", "tenants")).isEqualTo(AuditCommand.CANNOT_AUDIT);
        assertThat(cli.out.toString()).isEmpty();
        assertThat(cli.err.toString().trim()).isEqualTo("image-pull-webhook audit: the API server at "
                + client.getConfiguration().getMasterUrl().replaceAll("/$", "") + " refused the kubeconfig's "
                + "credentials (HTTP 401)");

        server.expect().get().withPath("/api/v1/namespaces?labelSelector=team&limit=2").andReturn(403, "{\"kind\":"
                + "\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\"namespaces is forbidden\","
                + "\"code\":403}").always();
        cli.err.getBuffer().setLength(0);
        assertThat(audit("-p", "tenants", "-l", "team")).isEqualTo(AuditCommand.CANNOT_AUDIT);
        assertThat(cli.err.toString().trim()).isEqualTo("image-pull-webhook audit: cannot list the namespaces the "
                + "selector \"team\" matches: HTTP 403: namespaces is forbidden");
    }

    @Test
    void usageAndConfigurationErrorsAreOneLineAndExitTwo() throws Exception {
        assertThat(audit("-n", NS, "-A")).isEqualTo(2);
        assertThat(cli.err.toString()).contains("mutually exclusive");

        cli.err.getBuffer().setLength(0);
        assertThat(audit("-p", "nope")).isEqualTo(2);
        assertThat(cli.err.toString().trim()).isEqualTo("image-pull-webhook audit: unknown profile \"nope\"; "
                + "configured: default, pinned, tenants");

        cli.err.getBuffer().setLength(0);
        assertThat(audit("-o", "yaml")).isEqualTo(2);

        cli.err.getBuffer().setLength(0);
        kubeconfig = dir.resolve("missing");
        assertThat(audit()).isEqualTo(2);
        assertThat(cli.err.toString().trim()).isEqualTo("image-pull-webhook audit: cannot read kubeconfig " + kubeconfig);

        cli.err.getBuffer().setLength(0);
        // The parser's message quotes the line it fails on: here the token's.
        kubeconfig = Files.writeString(dir.resolve("broken"), "users: [{name: u, user: {token: " + MockApi.TOKEN
                + "}}]]\n");
        assertThat(audit()).isEqualTo(2);
        assertThat(cli.err.toString().trim()).isEqualTo("image-pull-webhook audit: " + kubeconfig
                + " is not a usable kubeconfig");

        cli.err.getBuffer().setLength(0);
        kubeconfig = api.kubeconfig(dir, NS);
        assertThat(audit("--context", "production")).isEqualTo(2);
        assertThat(cli.err.toString().trim()).isEqualTo("image-pull-webhook audit: the kubeconfig has no context "
                + "\"production\"");
    }

    @Test
    void logLinesGoToStandardErrorSoTheReportStaysParsable() {
        api.emptyRest(NS);
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertThat(audit("-o", "json")).isZero();
            LoggerFactory.getLogger("io.fabric8.kubernetes.client").warn("a warning the API server relayed");
        } finally {
            System.setOut(original);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void helpSaysWhatIsReadWhatIsNotAskedAndTheExitCodes() {
        assertThat(cli.run("audit", "--help")).isZero();
        assertThat(cli.out.toString().replaceAll("\\s+", " ")).contains("Usage: image-pull-webhook audit",
                "never a watch", "Registries are never asked", "Needs list on pods", "--namespace-selector",
                "Exit codes:", "3 something would be denied", "4 nothing seen would be denied, but a list failed");
    }
}
