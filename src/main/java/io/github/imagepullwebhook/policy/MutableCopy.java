package io.github.imagepullwebhook.policy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The rules' working copy of a reviewed object, and the only nodes in which it can differ from
 * the original. Everything else in {@link #root()} is the original's own instances (see
 * {@link PodSpecs#copyForMutation}), so the diff of the whole trees is exactly the union of the
 * diffs of {@link #sites()}; diffing just those keeps the patch a diff of untouched against
 * mutated trees while skipping the parts no rule can reach.
 *
 * @param root  the copy the rules change
 * @param sites the site nodes, original and copy, each with its JSON pointer in the object
 */
public record MutableCopy(ObjectNode root, List<CopiedSite> sites) {

    /**
     * One site node before and after the rules.
     *
     * @param pointer  JSON pointer of the node in the object, e.g. {@code /spec/containers/0}
     * @param original the request's node, never written
     * @param copy     the node the rules write
     */
    public record CopiedSite(String pointer, ObjectNode original, ObjectNode copy) {
    }
}
