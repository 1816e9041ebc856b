package io.github.imagepullwebhook.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.DryRun;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What the chart takes from the cluster's API (its {@code .Capabilities}), which {@code helm
 * template} cannot vary: {@code helm install --dry-run=server} (helm-java) against a fake API
 * server on loopback that serves only discovery, as a 1.20 or a 1.21 apiserver would. Helm
 * then looks up every object it would create under the API version the chart chose, which is
 * how the PodDisruptionBudget's version shows. The real 1.20 is in the e2e suite.
 */
class ChartCapabilitiesTest {

    @ParameterizedTest
    @CsvSource({"20, v1beta1, policy/v1beta1", "21, v1 v1beta1, policy/v1"})
    void podDisruptionBudgetFollowsTheClustersPolicyApi(String minor, String policyVersions, String expected)
            throws Exception {
        List<String> requests = Collections.synchronizedList(new ArrayList<>());
        HttpServer api = fakeApi(minor, policyVersions.split(" "), requests);
        try {
            String kubeconfig = """
                    apiVersion: v1
                    kind: Config
                    clusters: [{name: fake, cluster: {server: "http://127.0.0.1:%d"}}]
                    contexts: [{name: fake, context: {cluster: fake, user: fake}}]
                    current-context: fake
                    users: [{name: fake, user: {token: fake}}]
                    """.formatted(api.getAddress().getPort());
            Release release = new Helm(RenderedChart.CHART).install().withName(RenderedChart.RELEASE)
                    .withNamespace(RenderedChart.NAMESPACE).withKubeConfigContents(kubeconfig)
                    .dryRun().withDryRunOption(DryRun.SERVER).disableOpenApiValidation().call();
            String pdb = "/poddisruptionbudgets/" + RenderedChart.RELEASE;
            assertThat(requests).as("helm's look-up of the PodDisruptionBudget")
                    .filteredOn(r -> r.endsWith(pdb)).singleElement()
                    .isEqualTo("/apis/" + expected + "/namespaces/" + RenderedChart.NAMESPACE + pdb);
            // Before 1.21 namespaces lack kubernetes.io/metadata.name: the notes say to add it.
            assertThat(release.getOutput().contains("kubectl label namespace kube-system kubernetes.io/metadata.name"))
                    .isEqualTo(minor.equals("20"));
        } finally {
            api.stop(0);
        }
    }

    /** Discovery of a 1.{minor} apiserver with the chart's kinds; every other GET is 404, secrets lists are empty. */
    static HttpServer fakeApi(String minor, String[] policyVersions, List<String> requests) throws Exception {
        Map<String, String> docs = new HashMap<>();
        docs.put("/version", "{\"major\":\"1\",\"minor\":\"" + minor + "\",\"gitVersion\":\"v1." + minor + ".0\"}");
        docs.put("/api", "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],\"serverAddressByClientCIDRs\":"
                + "[{\"clientCIDR\":\"0.0.0.0/0\",\"serverAddress\":\"127.0.0.1\"}]}");
        docs.put("/apis", "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[" + String.join(",",
                group("apps", "v1"), group("policy", policyVersions), group("rbac.authorization.k8s.io", "v1"),
                group("admissionregistration.k8s.io", "v1"), group("networking.k8s.io", "v1")) + "]}");
        docs.put("/api/v1", resources("v1", "serviceaccounts ServiceAccount true", "configmaps ConfigMap true",
                "services Service true", "secrets Secret true", "namespaces Namespace false"));
        docs.put("/apis/apps/v1", resources("apps/v1", "deployments Deployment true"));
        for (String version : policyVersions) {
            docs.put("/apis/policy/" + version, resources("policy/" + version, "poddisruptionbudgets PodDisruptionBudget true"));
        }
        docs.put("/apis/networking.k8s.io/v1", resources("networking.k8s.io/v1", "networkpolicies NetworkPolicy true"));
        docs.put("/apis/rbac.authorization.k8s.io/v1", resources("rbac.authorization.k8s.io/v1", "roles Role true",
                "rolebindings RoleBinding true", "clusterroles ClusterRole false", "clusterrolebindings ClusterRoleBinding false"));
        docs.put("/apis/admissionregistration.k8s.io/v1", resources("admissionregistration.k8s.io/v1",
                "mutatingwebhookconfigurations MutatingWebhookConfiguration false",
                "validatingwebhookconfigurations ValidatingWebhookConfiguration false"));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            requests.add(path);
            String body = docs.get(path);
            int code = 200;
            if (body == null && path.endsWith("/secrets")) {
                body = "{\"kind\":\"SecretList\",\"apiVersion\":\"v1\",\"metadata\":{},\"items\":[]}";
            } else if (body == null) {
                code = 404;
                body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\",\"code\":404}";
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(code, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static String group(String name, String... versions) {
        List<String> list = new ArrayList<>();
        for (String v : versions) {
            list.add("{\"groupVersion\":\"" + name + "/" + v + "\",\"version\":\"" + v + "\"}");
        }
        return "{\"name\":\"" + name + "\",\"versions\":[" + String.join(",", list) + "],\"preferredVersion\":"
                + list.get(0) + "}";
    }

    /** An APIResourceList; each resource as "plural Kind namespaced". */
    private static String resources(String groupVersion, String... resources) {
        List<String> list = new ArrayList<>();
        for (String r : resources) {
            String[] f = r.split(" ");
            list.add("{\"name\":\"" + f[0] + "\",\"singularName\":\"\",\"namespaced\":" + f[2] + ",\"kind\":\"" + f[1]
                    + "\",\"verbs\":[\"create\",\"delete\",\"get\",\"list\",\"patch\",\"update\",\"watch\"]}");
        }
        return "{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":\"" + groupVersion
                + "\",\"resources\":[" + String.join(",", list) + "]}";
    }
}
