package io.github.imagepullwebhook.credentials;

import com.github.benmanes.caffeine.cache.Ticker;
import io.github.imagepullwebhook.image.ImageReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/**
 * The kubelet's credential provider plugins ({@code --image-credential-provider-config} and
 * {@code --image-credential-provider-bin-dir}), consulted as the kubelet's plugin keyring does:
 * every provider whose {@code matchImages} match the image is asked, their answers go into one
 * keyring in the order the providers are configured, and that keyring is looked up like a
 * {@code config.json} (most specific key first).
 *
 * <p>Plugins run inside the webhook's pod, with its identity (service account, cloud workload
 * identity, network); whoever can change the configuration or the plugin directory runs code
 * there.
 */
public final class CredentialProviders {

    /** No plugins configured. */
    public static final CredentialProviders NONE = new CredentialProviders(List.of());

    /**
     * Plugin runs at once. Runs are shared per image and their answers cached, so few run at
     * the same time; the bound keeps hanging plugins from taking a thread per image.
     */
    static final int THREADS = 4;

    private final List<CredentialProvider> providers;

    private CredentialProviders(List<CredentialProvider> providers) {
        this.providers = List.copyOf(providers);
    }

    /**
     * Reads the configuration and checks that every plugin binary is there, as the kubelet does at
     * start. A run may take {@code timeout} (the review's deadline) before it is killed.
     */
    public static CredentialProviders load(Path config, Path binDir, Duration timeout)
            throws InvalidCredentialProviderConfigException {
        return create(CredentialProviderConfig.load(config), binDir, timeout, System.getenv(),
                Executors.newFixedThreadPool(THREADS, CredentialProviders::daemon), Ticker.systemTicker());
    }

    /** @param environment the webhook's environment, filtered by {@link CredentialProviderPlugin} */
    static CredentialProviders create(CredentialProviderConfig config, Path binDir, Duration timeout,
                                      Map<String, String> environment, Executor executor, Ticker ticker)
            throws InvalidCredentialProviderConfigException {
        if (!Files.isDirectory(binDir)) {
            throw new InvalidCredentialProviderConfigException("plugin directory " + binDir + " does not exist");
        }
        List<CredentialProvider> providers = new ArrayList<>();
        for (CredentialProviderConfig.Provider provider : config.providers()) {
            Path binary = binDir.resolve(provider.name());
            if (!Files.isRegularFile(binary) || !Files.isExecutable(binary)) {
                throw new InvalidCredentialProviderConfigException("plugin " + binary + " of provider \"" + provider.name()
                        + "\" is not an executable file");
            }
            providers.add(new CredentialProvider(provider,
                    new CredentialProviderPlugin(provider, binDir, environment, timeout, executor), ticker));
        }
        return new CredentialProviders(providers);
    }

    /** True when some provider would be asked for this image. */
    public boolean matches(ImageReference image) {
        if (providers.isEmpty()) { // the usual case, asked for every image pinned
            return false;
        }
        String repository = image.repository();
        return providers.stream().anyMatch(provider -> provider.matches(repository));
    }

    /**
     * The credentials the matching providers give for the image, most specific key first; empty
     * when none matches. Completes by {@code deadline} ({@link System#nanoTime}) on its own, and
     * fails with a {@link CredentialProviderException} when a matching provider gave no usable
     * answer: the user then reads which plugin failed, not the registry's "unauthorized" that
     * asking without its credentials would end in.
     */
    public CompletableFuture<List<RegistryCredential>> lookup(ImageReference image, long deadline) {
        String repository = image.repository();
        List<CompletableFuture<Map<String, RegistryCredential>>> answers = providers.stream()
                .filter(provider -> provider.matches(repository))
                .map(provider -> provider.credentials(repository, deadline)).toList();
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply(done -> {
            Keyring keyring = new Keyring();
            answers.forEach(answer -> keyring.add(answer.join()));
            return keyring.lookup(image);
        });
    }

    private static Thread daemon(Runnable runnable) {
        Thread thread = new Thread(runnable, "credential-provider");
        thread.setDaemon(true);
        return thread;
    }
}
