package io.github.imagepullwebhook.credentials;

import io.github.imagepullwebhook.image.ImageReference;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Credentials from several docker configs, looked up as the kubelet does
 * ({@code BasicDockerKeyring}): keys are indexed without scheme and API prefix, sorted in
 * reverse so the most specific comes first, and every key that matches contributes its
 * credentials, in that order. When none matches and the image is on Docker Hub, the
 * credentials stored for {@code index.docker.io} (e.g. under {@code https://index.docker.io/v1/})
 * apply.
 */
public final class Keyring {

    private static final String DEFAULT_REGISTRY_KEY = "index.docker.io";

    private record Indexed(ConfigKey key, List<RegistryCredential> credentials) {
    }

    /** Indexed key → parsed key and credentials (in the order added), iterated in reverse key order. */
    private final Map<String, Indexed> index = new TreeMap<>(Comparator.reverseOrder());

    /** Adds one config's entries (key as written → credential). */
    public Keyring add(Map<String, RegistryCredential> entries) {
        entries.forEach((written, credential) -> {
            ConfigKey key = ConfigKey.ofKey(written);
            index.computeIfAbsent(key.indexed(), k -> new Indexed(key, new ArrayList<>())).credentials.add(credential);
        });
        return this;
    }

    /** Every credential for the image's normalised repository, most specific first; empty for anonymous. */
    public List<RegistryCredential> lookup(ImageReference image) {
        // A pod without pull Secrets, a node without config.json: no name to build and parse.
        return index.isEmpty() ? List.of() : lookup(image.repository());
    }

    /** As the kubelet's {@code Lookup}, for a repository name such as {@code docker.io/library/nginx}. */
    public List<RegistryCredential> lookup(String repository) {
        ConfigKey target = ConfigKey.ofName(repository);
        List<RegistryCredential> found = new ArrayList<>();
        index.values().forEach(entry -> {
            if (entry.key.matches(target)) {
                found.addAll(entry.credentials);
            }
        });
        if (found.isEmpty() && isDefaultRegistry(repository) && index.containsKey(DEFAULT_REGISTRY_KEY)) {
            found.addAll(index.get(DEFAULT_REGISTRY_KEY).credentials);
        }
        return found;
    }

    /** Kubernetes' {@code isDefaultRegistryMatch}: would this name be pulled from Docker Hub? */
    static boolean isDefaultRegistry(String name) {
        int slash = name.indexOf('/');
        String first = slash < 0 ? name : name.substring(0, slash);
        if (first.isEmpty()) {
            return false;
        }
        if (slash < 0 || first.equals("docker.io") || first.equals("index.docker.io")) {
            return true;
        }
        return !first.contains(".") && !first.contains(":");
    }
}
