package io.github.imagepullwebhook.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.github.imagepullwebhook.admission.AdmissionService;
import io.github.imagepullwebhook.admission.Pinning;
import io.github.imagepullwebhook.admission.SkipRules;
import io.github.imagepullwebhook.config.RegistryConfig;
import io.github.imagepullwebhook.config.WebhookConfig;
import io.github.imagepullwebhook.credentials.CredentialProviders;
import io.github.imagepullwebhook.credentials.InvalidCredentialProviderConfigException;
import io.github.imagepullwebhook.credentials.InvalidDockerConfigException;
import io.github.imagepullwebhook.credentials.Keychain;
import io.github.imagepullwebhook.credentials.Keyring;
import io.github.imagepullwebhook.credentials.KubernetesKeychain;
import io.github.imagepullwebhook.credentials.NodeCredentials;
import io.github.imagepullwebhook.credentials.StaticKeychain;
import io.github.imagepullwebhook.registry.CachingResolver;
import io.github.imagepullwebhook.registry.DigestResolver;
import io.github.imagepullwebhook.registry.HostGuard;
import io.github.imagepullwebhook.registry.RegistryClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Builds the webhook's parts from its configuration, by hand and in one place, so that every
 * command ({@code serve}, {@code mutate}, {@code resolve}, {@code audit}) assembles the same
 * admission service, registry client and credentials from the same keys.
 */
final class Wiring {

    /** Where the webhook runs, from the Downward API; its own namespace is never mutated. */
    static final String POD_NAMESPACE = "POD_NAMESPACE";
    /** Threads that read pull Secrets: fabric8's calls block, and never on an event loop. */
    private static final int SECRET_READERS = 4;

    private final WebhookConfig config;

    Wiring(WebhookConfig config) {
        this.config = config;
    }

    /** The configuration in {@code file}, or every default when there is none. */
    static WebhookConfig load(Path file) throws IOException {
        return file == null ? WebhookConfig.DEFAULT : WebhookConfig.load(file);
    }

    /** The webhook's own namespace, when it runs in a cluster. */
    static String ownNamespace() {
        return System.getenv(POD_NAMESPACE);
    }

    /** The skip predicate: {@code ignoreNamespaces} and the webhook's own namespace, when known. */
    SkipRules skipRules(String ownNamespace) {
        Set<String> ignored = new HashSet<>(config.ignoreNamespaces());
        if (ownNamespace != null && !ownNamespace.isBlank()) {
            ignored.add(ownNamespace);
        }
        return new SkipRules(ignored);
    }

    /** The admission service every command uses, so that the server and the offline commands decide alike. */
    AdmissionService admissionService(Pinning pinning) {
        return new AdmissionService(new ObjectMapper(), skipRules(ownNamespace()), pinning);
    }

    /** The registry client behind its connection guard and the digest cache, as {@code registry:} configures them. */
    DigestResolver resolver(Vertx vertx, MeterRegistry meters) {
        RegistryConfig registry = config.registry();
        HttpClientOptions options = new HttpClientOptions();
        if (registry.caFile() != null) {
            options.setTrustOptions(new PemTrustOptions().addCertPath(registry.caFile()));
        }
        HostGuard guard = new HostGuard(vertx, registry.allow(), registry.deny());
        RegistryClient client = new RegistryClient(vertx, options, Set.copyOf(registry.insecure()),
                registry.timeout().toMillis(), guard);
        return new CachingResolver(client, registry.cacheTtl(), registry.negativeCacheTtl(), registry.cacheSize(), meters);
    }

    /** Pinning (and the check of pull Secrets) with {@code keychain}; null when no profile reads pull Secrets. */
    Pinning pinning(Vertx vertx, Keychain keychain, MeterRegistry meters) {
        if (!config.readsPullSecrets()) {
            return null;
        }
        RegistryConfig registry = config.registry();
        return new Pinning(keychain, resolver(vertx, meters), registry.timeout(),
                registry.onError() == RegistryConfig.OnError.DENY);
    }

    /**
     * Pinning with the pods' pull Secrets read through the Kubernetes API (the pod's service
     * account), the node's credentials after them; null when no profile reads pull Secrets.
     */
    Pinning clusterPinning(Vertx vertx, MeterRegistry meters) throws IOException {
        if (!config.readsPullSecrets()) {
            return null;
        }
        ExecutorService readers = Executors.newFixedThreadPool(SECRET_READERS, task -> {
            Thread thread = new Thread(task, "pull-secrets");
            thread.setDaemon(true);
            return thread;
        });
        Config api = KubernetesKeychain.apiConfig(Config.autoConfigure(null), config.registry().timeout());
        KubernetesKeychain keychain = new KubernetesKeychain(new KubernetesClientBuilder().withConfig(api).build(),
                readers, nodeCredentials());
        return pinning(vertx, keychain, meters);
    }

    /** The node-level credentials: the configured config.json, then the credential provider plugins. */
    NodeCredentials nodeCredentials() throws IOException {
        return new NodeCredentials(nodeKeyring(), credentialProviders());
    }

    private Keyring nodeKeyring() throws IOException {
        RegistryConfig registry = config.registry();
        try {
            return StaticKeychain.load(registry.dockerConfigFile() == null ? null : Path.of(registry.dockerConfigFile()));
        } catch (InvalidDockerConfigException e) {
            throw new IOException("registry.dockerConfigFile: " + e.getMessage(), e);
        }
    }

    /** Read and checked now, so a broken configuration or a missing plugin stops the start with one line. */
    CredentialProviders credentialProviders() throws IOException {
        RegistryConfig registry = config.registry();
        if (!registry.hasCredentialProviders()) {
            return CredentialProviders.NONE;
        }
        try {
            return CredentialProviders.load(Path.of(registry.credentialProviderConfig()),
                    Path.of(registry.credentialProviderBinDir()), registry.timeout());
        } catch (InvalidCredentialProviderConfigException e) {
            throw new IOException("registry.credentialProviderConfig: " + e.getMessage(), e);
        }
    }
}
