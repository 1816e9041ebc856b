package io.github.imagepullwebhook.policy;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The rules' working copy of a reviewed object, copied on write. The original is never
 * written. A rule writes only through an {@link ImageSite}, and a site writes only fields of its
 * own node (a container, or a volume's {@code image}); the first write to a site copies that one
 * node, and later reads and writes of the site use the copy. So the mutated object is the
 * original with each written site node replaced by its copy, and the diff of the whole trees
 * is exactly the union of the diffs of {@link #sites()}: diffing just those keeps the patch a
 * diff of untouched against mutated trees while a review copies two or three small objects
 * instead of the path to every container.
 */
public final class MutableCopy {

    /**
     * One written site node before and after the rules.
     *
     * @param pointer  JSON pointer of the node in the object, e.g. {@code /spec/containers/0}
     * @param original the request's node, never written
     * @param copy     the node the rules write
     */
    public record CopiedSite(String pointer, ObjectNode original, ObjectNode copy) {
    }

    private final GroupKind kind;
    private final ObjectNode original;
    /** By pointer, in the order of first writes (visiting order for the rules). */
    private final Map<String, CopiedSite> copies = new LinkedHashMap<>(8);

    public MutableCopy(GroupKind kind, ObjectNode original) {
        this.kind = kind;
        this.original = original;
    }

    public GroupKind kind() {
        return kind;
    }

    /** The reviewed object, untouched. */
    public ObjectNode original() {
        return original;
    }

    /** The sites written so far. */
    public Collection<CopiedSite> sites() {
        return Collections.unmodifiableCollection(copies.values());
    }

    /** The node {@code site} reads: its copy once written, else the original's {@code node}. */
    ObjectNode read(ImageSite site, ObjectNode node) {
        CopiedSite copied = copies.isEmpty() ? null : copies.get(site.pointer());
        return copied == null ? node : copied.copy();
    }

    /** The node a site at {@code pointer} writes, copied from {@code node} at the first write. */
    ObjectNode write(String pointer, ObjectNode node) {
        CopiedSite copied = copies.get(pointer);
        if (copied == null) {
            copied = new CopiedSite(pointer, node, shallowCopy(node));
            copies.put(pointer, copied);
        }
        return copied.copy();
    }

    /**
     * The whole mutated object: the original with every written site in place, sharing every
     * other node with it. Built on demand; the served path diffs {@link #sites()} instead.
     */
    public ObjectNode root() {
        ObjectNode root = shallowCopy(original);
        Set<JsonNode> owned = Collections.newSetFromMap(new IdentityHashMap<>());
        owned.add(root);
        for (CopiedSite site : copies.values()) {
            place(root, JsonPointer.compile(site.pointer()), site.copy(), owned);
        }
        return root;
    }

    /** Walks {@code pointer} from the root, copying each container on the way once, and sets the leaf. */
    private static void place(ObjectNode root, JsonPointer pointer, JsonNode leaf, Set<JsonNode> owned) {
        JsonNode parent = root;
        JsonPointer step = pointer;
        while (!step.tail().matches()) {
            JsonNode child = parent instanceof ArrayNode array ? array.get(step.getMatchingIndex())
                    : parent.get(step.getMatchingProperty());
            if (!owned.contains(child)) {
                child = child instanceof ObjectNode object ? shallowCopy(object)
                        : ((ArrayNode) child).arrayNode().addAll((ArrayNode) child);
                owned.add(child);
                set(parent, step, child);
            }
            parent = child;
            step = step.tail();
        }
        set(parent, step, leaf);
    }

    private static void set(JsonNode parent, JsonPointer step, JsonNode value) {
        if (parent instanceof ArrayNode array) {
            array.set(step.getMatchingIndex(), value);
        } else {
            ((ObjectNode) parent).set(step.getMatchingProperty(), value);
        }
    }

    static ObjectNode shallowCopy(ObjectNode node) {
        ObjectNode copy = node.objectNode();
        copy.setAll(node);
        return copy;
    }
}
