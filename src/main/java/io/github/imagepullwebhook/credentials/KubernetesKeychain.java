package io.github.imagepullwebhook.credentials;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Pull Secrets read through fabric8: the only code that reads Secrets. It needs {@code get} on
 * secrets and serviceaccounts in the review's namespace and nothing else. fabric8 calls block,
 * so they run on {@code executor}, never on an event loop.
 */
public final class KubernetesKeychain implements Keychain {

    static final String DOCKERCONFIGJSON = "kubernetes.io/dockerconfigjson";
    static final String DOCKERCFG = "kubernetes.io/dockercfg";

    private final KubernetesClient client;
    private final Executor executor;
    private final NodeCredentials node;

    /** @param node the node's config.json and credential provider plugins, consulted after the pod's Secrets */
    public KubernetesKeychain(KubernetesClient client, Executor executor, NodeCredentials node) {
        this.client = client;
        this.executor = executor;
        this.node = node;
    }

    /** With a node-level config.json and no plugins. */
    public KubernetesKeychain(KubernetesClient client, Executor executor, Keyring node) {
        this(client, executor, NodeCredentials.of(node));
    }

    @Override
    public CompletionStage<PodKeyring> keyringFor(String namespace, JsonNode podSpec, boolean isPod) {
        if (isPod && podSpec.path("imagePullSecrets").isEmpty()) {
            // Nothing to read: no thread hop, no API call (the common case for pods).
            return CompletableFuture.completedFuture(podKeyring(new Keyring(), List.of(), List.of()));
        }
        CompletableFuture<PodKeyring> keyring = new CompletableFuture<>();
        executor.execute(() -> {
            if (keyring.isDone()) {
                return; // the review's deadline passed while this waited for a thread: its answer is out
            }
            try {
                keyring.complete(read(namespace, podSpec, isPod));
            } catch (RuntimeException e) {
                keyring.completeExceptionally(e);
            }
        });
        return keyring;
    }

    /**
     * How much longer than the review's deadline a call to the API server may take. The
     * deadline, not the client, must end a hung read: when both timed out at the same moment
     * either could fire first, and a review then failed as "deadline passed" or went on without
     * the Secret ("API server not reachable") by chance (seen in the tests under load).
     */
    static final Duration PAST_DEADLINE = Duration.ofMillis(250);

    /**
     * How the webhook talks to the API server: {@code base} (normally auto-configured from the
     * pod's service account) with connect and request timeouts just past the review's
     * {@code deadline} ({@link #PAST_DEADLINE}) and no retries, because a Secret that arrives
     * after the deadline is of no use, and a slow API server must not hold the keychain's
     * threads for fabric8's default 10 s × retries.
     */
    public static Config apiConfig(Config base, Duration deadline) {
        int millis = (int) Math.min(Integer.MAX_VALUE, deadline.plus(PAST_DEADLINE).toMillis());
        return new ConfigBuilder(base).withConnectionTimeout(millis).withRequestTimeout(millis)
                .withRequestRetryBackoffLimit(0).build();
    }

    /**
     * The Secrets the kubelet will have: the pod's own list. The ServiceAccount admission plugin
     * copies the ServiceAccount's {@code imagePullSecrets} into a pod only when the pod lists
     * none, and it has done so before a webhook sees the pod; templates are not filled, so for a
     * template without a list the ServiceAccount's are read here, as its pods will get them.
     */
    private PodKeyring read(String namespace, JsonNode podSpec, boolean isPod) {
        List<String> warnings = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        JsonNode listed = podSpec.path("imagePullSecrets");
        listed.forEach(ref -> names.add(ref.path("name").asText("")));
        if (!isPod && listed.isEmpty()) {
            names.addAll(serviceAccountSecrets(namespace, podSpec.path("serviceAccountName").asText("default"), warnings));
        }
        names.remove("");
        Keyring pods = new Keyring();
        List<String> missing = new ArrayList<>();
        for (String name : names) {
            add(pods, namespace, name, warnings, missing);
        }
        return podKeyring(pods, warnings, missing);
    }

    private PodKeyring podKeyring(Keyring pods, List<String> warnings, List<String> missing) {
        return new PodKeyring(List.of(pods, node.configJson()), node.providers(), warnings, missing);
    }

    private List<String> serviceAccountSecrets(String namespace, String name, List<String> warnings) {
        try {
            ServiceAccount account = client.serviceAccounts().inNamespace(namespace).withName(name.isEmpty() ? "default" : name).get();
            if (account == null || account.getImagePullSecrets() == null) {
                return List.of();
            }
            return account.getImagePullSecrets().stream().map(LocalObjectReference::getName).toList();
        } catch (KubernetesClientException e) {
            warnings.add("cannot read ServiceAccount \"" + name + "\" for its imagePullSecrets (" + why(e) + ")");
            return List.of();
        }
    }

    private void add(Keyring keyring, String namespace, String name, List<String> warnings, List<String> missing) {
        String where = "imagePullSecret \"" + name + "\"";
        Secret secret;
        try {
            secret = client.secrets().inNamespace(namespace).withName(name).get();
        } catch (KubernetesClientException e) {
            warnings.add("cannot read " + where + " (" + why(e) + ")");
            return;
        }
        if (secret == null) {
            missing.add(name);
            warnings.add(where + " not found in namespace \"" + namespace
                    + "\"; the kubelet will report FailedToRetrieveImagePullSecret and pull without it");
            return;
        }
        Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
        String source = "secret " + namespace + "/" + name;
        try {
            if (DOCKERCONFIGJSON.equals(secret.getType()) && data.containsKey(".dockerconfigjson")) {
                keyring.add(DockerConfig.parseConfigJson(Base64.getDecoder().decode(data.get(".dockerconfigjson")), source));
            } else if (DOCKERCFG.equals(secret.getType()) && data.containsKey(".dockercfg")) {
                keyring.add(DockerConfig.parseDockercfg(Base64.getDecoder().decode(data.get(".dockercfg")), source));
            } else {
                warnings.add(where + " is not of type " + DOCKERCONFIGJSON + " or " + DOCKERCFG
                        + " with its data key; the kubelet ignores it too");
            }
        } catch (InvalidDockerConfigException | IllegalArgumentException e) {
            // The kubelet fails every image pull of a pod with such a Secret; pinning goes on
            // without it, so the warning at admission says what will happen on the node.
            warnings.add(where + " is not usable (" + (e instanceof InvalidDockerConfigException ? e.getMessage()
                    : "data is not base64") + "); the kubelet will fail this pod's image pulls");
        }
    }

    /** An HTTP status when the API server answered; otherwise that it did not, by cause type only. */
    private static String why(KubernetesClientException e) {
        if (e.getCode() > 0) {
            return "HTTP " + e.getCode();
        }
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return "API server not reachable: " + cause.getClass().getSimpleName();
    }
}
