/**
 * Asking a registry, over the OCI distribution API, which digest a tag points at — and only
 * where the webhook may connect.
 *
 * <p>Pinning {@code image:tag} to {@code image:tag@sha256:…} makes every replica run the same
 * bytes even when the tag moves. The digest must be the one nodes would resolve: the manifest
 * (or, for multi-architecture images, the index) the registry serves for the tag when asked
 * with every manifest media type. The handshake follows the distribution token-auth
 * specification; see {@link io.github.imagepullwebhook.registry.RegistryClient}.
 *
 * <p>Image names, redirects and token realms all come from tenants or registries, so every
 * connection made here first passes {@link io.github.imagepullwebhook.registry.HostGuard}'s
 * host and address rules and then goes to the very address that was checked: the webhook
 * cannot be turned into a scanner of the cluster's network or a reader of metadata endpoints.
 */
package io.github.imagepullwebhook.registry;
