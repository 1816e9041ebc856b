/**
 * Container image references, parsed the way the distribution project (and therefore the
 * kubelet and every registry) parses them.
 *
 * <p>Everything the webhook decides depends on reading an image string exactly as Kubernetes
 * does: the pull-policy default hangs on "is the tag {@code latest} or absent", credentials are
 * matched against the normalised name ({@code nginx} is {@code docker.io/library/nginx}), and a
 * pinned digest must be appended to the user's own string without re-spelling it. A parser of
 * our own keeps the user's string and the canonical name apart and does no I/O.
 */
package io.github.imagepullwebhook.image;
