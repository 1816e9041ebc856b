package io.github.imagepullwebhook.credentials;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The exec protocol of one kubelet credential provider plugin: {@code bin-dir/name args...}
 * with a {@code CredentialProviderRequest} on stdin and a {@code CredentialProviderResponse}
 * expected on stdout, in the provider's apiVersion.
 *
 * <p>The environment is not the webhook's. The kubelet passes its whole environment; ours holds
 * the JVM's options and whatever the pod was given for the webhook, none of it meant for a
 * plugin, and {@code JAVA_TOOL_OPTIONS} would even reach a plugin written in Java. So a plugin
 * gets only what plugins need from the pod — {@code PATH}, {@code HOME}, {@code TMPDIR},
 * locale and time zone, the CA file variables, proxy settings, and the variables cloud
 * workload identity puts into pods ({@code AWS_*}, {@code AZURE_*}, {@code GOOGLE_*},
 * {@code GCE_*}) — plus the provider's {@code env}, which wins, as it does in the kubelet.
 */
final class CredentialProviderPlugin {

    static final Set<String> PASSED = Set.of("PATH", "HOME", "TMPDIR", "TZ", "LANG", "LC_ALL", "SSL_CERT_FILE",
            "SSL_CERT_DIR", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy");
    static final List<String> PASSED_PREFIXES = List.of("AWS_", "AZURE_", "GOOGLE_", "GCE_");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final String apiVersion;
    private final List<String> command;
    private final Map<String, String> environment;
    private final Duration timeout;
    private final Executor executor;

    /**
     * @param webhookEnvironment the webhook's environment, from which {@link #PASSED} variables are taken
     * @param timeout            how long one run may take before it is killed
     */
    CredentialProviderPlugin(CredentialProviderConfig.Provider provider, Path binDir, Map<String, String> webhookEnvironment,
                             Duration timeout, Executor executor) {
        this.name = provider.name();
        this.apiVersion = provider.apiVersion();
        List<String> line = new ArrayList<>();
        line.add(binDir.resolve(provider.name()).toString());
        line.addAll(provider.args());
        this.command = List.copyOf(line);
        this.environment = environment(webhookEnvironment, provider.env());
        this.timeout = timeout;
        this.executor = executor;
    }

    String name() {
        return name;
    }

    /** Runs the plugin for {@code image} (a repository, e.g. {@code docker.io/library/nginx}, as the kubelet sends it). */
    CompletableFuture<CredentialProviderResponse> request(String image) {
        return PluginProcess.run(name, command, environment, request(image, apiVersion), timeout, executor)
                .thenCompose(this::decode);
    }

    private CompletableFuture<CredentialProviderResponse> decode(byte[] stdout) {
        try {
            return CompletableFuture.completedFuture(CredentialProviderResponse.parse(stdout, apiVersion, name));
        } catch (CredentialProviderException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    static byte[] request(String image, String apiVersion) {
        ObjectNode request = JSON.createObjectNode().put("apiVersion", apiVersion).put("kind", "CredentialProviderRequest")
                .put("image", image);
        return request.toString().getBytes(StandardCharsets.UTF_8);
    }

    static Map<String, String> environment(Map<String, String> webhook, Map<String, String> configured) {
        Map<String, String> environment = new LinkedHashMap<>();
        webhook.forEach((variable, value) -> {
            if (PASSED.contains(variable) || PASSED_PREFIXES.stream().anyMatch(variable::startsWith)) {
                environment.put(variable, value);
            }
        });
        environment.putAll(configured);
        return Collections.unmodifiableMap(environment);
    }
}
