/**
 * The pure policy core: the rules that decide how each image is pulled, read from a Jackson
 * tree of the object under review.
 *
 * <p>Nothing here does I/O, knows about HTTP, or writes a tree. The rules read the object the
 * apiserver sent and return the list of {@link io.github.imagepullwebhook.policy.Change}s they
 * decide (field, old value, new value, reason), as the in-tree AlwaysPullImages plugin in effect
 * only sets fields. The JSON patch, the kubectl warnings, the audit annotations and the offline
 * {@code mutate} command's text edits are all rendered from that one list, so the server and
 * {@code mutate} cannot disagree, and the rules stay table-testable in milliseconds. {@link
 * io.github.imagepullwebhook.policy.PodSpecs} is the one place that knows where pod specs live
 * and walks their containers; every rule reaches images only through it, and {@link
 * io.github.imagepullwebhook.policy.EnforcementScope} says which sites of an UPDATE it acts on.
 */
package io.github.imagepullwebhook.policy;
