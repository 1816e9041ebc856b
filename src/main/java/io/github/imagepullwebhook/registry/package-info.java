/**
 * Asking a registry, over the OCI distribution API, which digest a tag points at.
 *
 * <p>Pinning {@code image:tag} to {@code image:tag@sha256:…} makes every replica run the same
 * bytes even when the tag moves. The digest must be the one nodes would resolve: the manifest
 * (or, for multi-architecture images, the index) the registry serves for the tag when asked
 * with every manifest media type. The handshake follows the distribution token-auth
 * specification; see {@link io.github.imagepullwebhook.registry.RegistryClient}.
 */
package io.github.imagepullwebhook.registry;
