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
 *
 * <p>The kubelet's sources come in its order: the pod's pull Secrets, the node's
 * {@code config.json}, then its credential provider plugins ({@code CredentialProviderConfig}),
 * which this package runs the way the kubelet does — a binary per provider, the request on
 * stdin, the answer on stdout, cached as the answer says. Plugins are processes the webhook
 * starts, so they run off the event loop, within the review's deadline, with their output
 * bounded and their stderr discarded (it may hold secrets), and are killed when they overrun.
 */
package io.github.imagepullwebhook.credentials;
