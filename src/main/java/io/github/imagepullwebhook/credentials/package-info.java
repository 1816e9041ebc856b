/**
 * Registry credentials, chosen the way the kubelet chooses them.
 *
 * <p>A pinned digest must be what the pod itself is allowed to pull, so the webhook resolves
 * each image with exactly the credentials the kubelet would use for that pod, and never sends
 * them anywhere they were not meant for. Matching follows Kubernetes' interpretation of
 * {@code config.json} ({@code pkg/credentialprovider}), which differs from Docker's: keys may
 * carry a path prefix and per-label host globs, and every matching credential is tried, most
 * specific key first. Credentials are never printed: their {@code toString} hides the secret
 * parts, and parse errors never quote the input.
 */
package io.github.imagepullwebhook.credentials;
