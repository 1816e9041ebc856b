/**
 * The pure policy core: the rules that decide how each image is pulled, applied to a Jackson
 * tree of the object under review.
 *
 * <p>Nothing here does I/O or knows about HTTP: the admission layer hands in the request's
 * object wrapped in a {@link io.github.imagepullwebhook.policy.MutableCopy}, which keeps what
 * the rules write beside the untouched original (or, offline, a deep copy); the rules change
 * the copy and report every change with its reason, and the admission layer turns the
 * difference into a JSON patch. Keeping the rules
 * pure keeps them table-testable in milliseconds and lets the offline {@code mutate} command
 * apply exactly what the server applies. {@link io.github.imagepullwebhook.policy.PodSpecs}
 * is the one place that knows where pod specs live and walks their containers; every rule
 * reaches images only through it.
 */
package io.github.imagepullwebhook.policy;
