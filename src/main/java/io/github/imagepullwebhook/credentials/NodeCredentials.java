package io.github.imagepullwebhook.credentials;

/**
 * What the kubelet has for every pod on the node: the node's {@code config.json}, then its
 * credential provider plugins.
 *
 * @param configJson the node-level {@code config.json} ({@code registry.dockerConfigFile})
 * @param providers  the plugins ({@code registry.credentialProviderConfig})
 */
public record NodeCredentials(Keyring configJson, CredentialProviders providers) {

    /** Only a {@code config.json}, no plugins. */
    public static NodeCredentials of(Keyring configJson) {
        return new NodeCredentials(configJson, CredentialProviders.NONE);
    }
}
