package io.github.imagepullwebhook.registry;

import io.github.imagepullwebhook.credentials.RegistryCredential;
import io.github.imagepullwebhook.image.ImageReference;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** Which digest a tag points at, asked with the credentials the pod would use. */
public interface DigestResolver {

    /**
     * @param image       a reference with a tag
     * @param credentials the keyring's matches, most specific first; tried in turn, then anonymous
     * @return {@code sha256:…}, or a failed stage with a {@link RegistryException}
     */
    CompletionStage<String> resolve(ImageReference image, List<RegistryCredential> credentials);
}
