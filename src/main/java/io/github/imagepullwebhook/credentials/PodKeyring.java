package io.github.imagepullwebhook.credentials;

import io.github.imagepullwebhook.image.ImageReference;
import java.util.ArrayList;
import java.util.List;

/**
 * The credentials the kubelet would use for one pod: a keyring of the pod's pull Secrets,
 * then the node's, consulted in that order (Kubernetes' union keyring), and what went wrong
 * reading them.
 *
 * @param keyrings consulted in order; the matches of each are appended
 * @param warnings e.g. a referenced Secret that does not exist, worded for the user
 * @param missing  the names of referenced pull Secrets that do not exist in the namespace
 */
public record PodKeyring(List<Keyring> keyrings, List<String> warnings, List<String> missing) {

    public PodKeyring {
        keyrings = List.copyOf(keyrings);
        warnings = List.copyOf(warnings);
        missing = List.copyOf(missing);
    }

    /** A keyring whose Secrets all exist (or that names none). */
    public PodKeyring(List<Keyring> keyrings, List<String> warnings) {
        this(keyrings, warnings, List.of());
    }

    public List<RegistryCredential> lookup(ImageReference image) {
        List<RegistryCredential> found = new ArrayList<>();
        keyrings.forEach(keyring -> found.addAll(keyring.lookup(image)));
        return found;
    }
}
