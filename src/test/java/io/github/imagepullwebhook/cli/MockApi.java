package io.github.imagepullwebhook.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.github.imagepullwebhook.audit.AuditedKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * fabric8's mock API server in expectation mode, answering lists as a real API server does:
 * page by page, each page but the last carrying a {@code continue} token. (The mock's CRUD mode
 * ignores {@code limit} and {@code continue}, so it cannot show that pages are followed.)
 */
final class MockApi {

    /** In the kubeconfig; no output may ever contain it. */
    static final String TOKEN = "audit-test-token-7f3c1d";

    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private final int limit;
    private final Set<String> served = new HashSet<>();

    /** @param limit the {@code --chunk-size} the audit will ask with */
    MockApi(KubernetesMockServer server, KubernetesClient client, int limit) {
        this.server = server;
        this.client = client;
        this.limit = limit;
    }

    static AuditedKind kind(String kind) {
        return AuditedKind.ALL.stream().filter(k -> k.kind().equals(kind)).findFirst().orElseThrow();
    }

    /** The list path of {@code kind}; {@code namespace} null for all namespaces. */
    static String path(AuditedKind kind, String version, String namespace) {
        String root = kind.group().isEmpty() ? "/api/" + version : "/apis/" + kind.group() + "/" + version;
        return root + (namespace == null ? "" : "/namespaces/" + namespace) + "/" + kind.plural();
    }

    /** Serves {@code pages} of {@code kind} (its first version) in {@code namespace}, linked by continue tokens. */
    MockApi pages(String kind, String namespace, List<List<String>> pages) {
        AuditedKind audited = kind(kind);
        return pages(audited, audited.versions().get(0), namespace, pages);
    }

    MockApi pages(AuditedKind kind, String version, String namespace, List<List<String>> pages) {
        String path = path(kind, version, namespace);
        for (int i = 0; i < pages.size(); i++) {
            String query = i == 0 ? "?limit=" + limit : "?continue=" + token(kind, i) + "&limit=" + limit;
            String next = i + 1 < pages.size() ? token(kind, i + 1) : null;
            server.expect().get().withPath(path + query).andReturn(200, list(pages.get(i), next)).always();
        }
        served.add(kind.kind() + "@" + namespace);
        return this;
    }

    /** {@code kind}'s first page answered with an error Status. */
    MockApi refuse(String kind, String version, String namespace, int code, String message) {
        AuditedKind audited = kind(kind);
        server.expect().get().withPath(path(audited, version, namespace) + "?limit=" + limit)
                .andReturn(code, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\""
                        + message.replace("\"", "\\\"") + "\",\"code\":" + code + "}").always();
        served.add(kind + "@" + namespace);
        return this;
    }

    /** Every kind not served yet answers an empty list in {@code namespace}: a cluster that has none. */
    MockApi emptyRest(String namespace) {
        for (AuditedKind kind : AuditedKind.ALL) {
            if (!served.contains(kind.kind() + "@" + namespace)) {
                pages(kind, kind.versions().get(0), namespace, List.of(List.of()));
            }
        }
        return this;
    }

    /** A kubeconfig for the mock server, with a bearer token and a default namespace. */
    Path kubeconfig(Path dir, String namespace) throws IOException {
        return Files.writeString(dir.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters: [{name: mock, cluster: {server: "%s", insecure-skip-tls-verify: true}}]
                users: [{name: auditor, user: {token: %s}}]
                contexts: [{name: mock, context: {cluster: mock, user: auditor, namespace: %s}}]
                current-context: mock
                """.formatted(client.getConfiguration().getMasterUrl(), TOKEN, namespace));
    }

    /** The paths of every request received so far. */
    List<String> requests() throws InterruptedException {
        List<String> paths = new ArrayList<>();
        for (int i = server.getRequestCount(); i > 0; i--) {
            paths.add(server.takeRequest().getPath());
        }
        return paths;
    }

    private static String token(AuditedKind kind, int page) {
        return kind.plural() + "-page-" + (page + 1);
    }

    private static String list(List<String> items, String next) {
        return "{\"kind\":\"List\",\"apiVersion\":\"v1\",\"metadata\":{" + (next == null ? "" : "\"continue\":\"" + next + "\"")
                + "},\"items\":[" + String.join(",", items) + "]}";
    }
}
