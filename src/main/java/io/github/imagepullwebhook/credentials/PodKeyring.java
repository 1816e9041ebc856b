package io.github.imagepullwebhook.credentials;

import io.github.imagepullwebhook.image.ImageReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The credentials the kubelet would use for one pod, in the kubelet's order
 * ({@code pkg/kubelet/kuberuntime} {@code PullImage}: the pod's pull Secrets, unioned with the
 * node's {@code config.json} keyring, unioned with the credential provider plugins' keyring):
 * the matches of each keyring are appended in turn, then those of the plugins. And what went
 * wrong reading them.
 *
 * @param keyrings  consulted in order (the pod's Secrets, then the node's config.json)
 * @param providers the node's credential provider plugins, consulted last
 * @param warnings  e.g. a referenced Secret that does not exist, worded for the user
 * @param missing   the names of referenced pull Secrets that do not exist in the namespace
 */
public record PodKeyring(List<Keyring> keyrings, CredentialProviders providers, List<String> warnings,
                         List<String> missing) {

    public PodKeyring {
        keyrings = List.copyOf(keyrings);
        warnings = List.copyOf(warnings);
        missing = List.copyOf(missing);
    }

    /** Whose Secrets all exist (or that names none). */
    public PodKeyring(List<Keyring> keyrings, CredentialProviders providers, List<String> warnings) {
        this(keyrings, providers, warnings, List.of());
    }

    /** Without plugins. */
    public PodKeyring(List<Keyring> keyrings, List<String> warnings) {
        this(keyrings, CredentialProviders.NONE, warnings);
    }

    /**
     * Every credential for the image, in the order they are to be tried; empty for anonymous.
     * Complete at once unless a plugin has to run; then it completes by {@code deadline}
     * ({@link System#nanoTime}) on its own, failing with a {@link CredentialProviderException}
     * when a plugin gave no usable answer.
     */
    public CompletableFuture<List<RegistryCredential>> lookup(ImageReference image, long deadline) {
        List<RegistryCredential> found = new ArrayList<>();
        keyrings.forEach(keyring -> found.addAll(keyring.lookup(image)));
        if (!providers.matches(image)) {
            return CompletableFuture.completedFuture(found);
        }
        return providers.lookup(image, deadline).thenApply(fromPlugins -> {
            found.addAll(fromPlugins);
            return found;
        });
    }
}
