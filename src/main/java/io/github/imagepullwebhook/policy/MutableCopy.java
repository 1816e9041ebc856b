package io.github.imagepullwebhook.policy;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The rules' working copy of a reviewed object. The original is never written. A rule writes
 * only through an {@link ImageSite}, and a site only ever sets string fields of its own node (a
 * container's, or a volume image's, pull policy and image). So the copy is kept as the
 * original plus, per written site, the strings set on it: the mutated object is the original
 * with each written site node replaced by that node with those fields set ({@link #root()}
 * builds it), and the diff of the whole trees is exactly the union, over written sites, of the
 * fields whose value differs from the original's. Keeping writes rather than copied nodes is
 * what keeps a review from copying every field of every written container (in the server that
 * copy cost more than the rules themselves).
 */
public final class MutableCopy {

    /**
     * One written site node: the node as sent and the string fields set on it, in the order of
     * their first write. A site has two writable fields (pull policy and image), so two slots.
     */
    public static final class WrittenSite {

        private final String pointer;
        private final ObjectNode original;
        private final String[] fields = new String[2];
        private final String[] paths = new String[2];
        private final String[] values = new String[2];
        private int size;

        WrittenSite(String pointer, ObjectNode original) {
            this.pointer = pointer;
            this.original = original;
        }

        /** JSON pointer of the node in the object, e.g. {@code /spec/containers/0}. */
        public String pointer() {
            return pointer;
        }

        /** The request's node, never written. */
        public ObjectNode original() {
            return original;
        }

        /** How many fields were set. */
        public int size() {
            return size;
        }

        /** The {@code i}th field set, in first-write order. */
        public String field(int i) {
            return fields[i];
        }

        /** JSON pointer of the {@code i}th field set, e.g. {@code /spec/containers/0/image}. */
        public String path(int i) {
            return paths[i];
        }

        /** The value the {@code i}th field holds now. */
        public String value(int i) {
            return values[i];
        }

        /** The value set on {@code field}, or {@code null} when it was not set. */
        String value(String field) {
            int i = indexOf(field);
            return i < 0 ? null : values[i];
        }

        void set(String field, String value) {
            set(field, pointer + "/" + field, value); // a field of a container needs no ~ or / escape
        }

        /** @param path the field's JSON pointer, passed in by sites that keep it built */
        void set(String field, String path, String value) {
            int i = indexOf(field);
            if (i >= 0) {
                values[i] = value;
                return;
            }
            if (size == fields.length) {
                throw new IllegalStateException("a site writes at most " + fields.length + " fields, not " + field);
            }
            fields[size] = field;
            paths[size] = path;
            values[size++] = value;
        }

        private int indexOf(String field) {
            for (int i = 0; i < size; i++) {
                if (fields[i].equals(field)) {
                    return i;
                }
            }
            return -1;
        }

        /** The node as the rules left it: a copy of the original with the set fields in place. */
        public ObjectNode copy() {
            ObjectNode copy = shallowCopy(original);
            for (int i = 0; i < size; i++) {
                copy.put(fields[i], values[i]);
            }
            return copy;
        }
    }

    private static final int SITE_KINDS = SiteKind.values().length;

    private final GroupKind kind;
    private final ObjectNode original;
    /** In the order of first writes (visiting order for the rules). */
    private final List<WrittenSite> written = new ArrayList<>(4);
    /**
     * The same sites by site kind and list index, so that a later visit finds a site's writes
     * without hashing its path (in the server a map here cost as much as the rule that wrote).
     */
    private final WrittenSite[][] byPosition = new WrittenSite[SITE_KINDS][];

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
    public List<WrittenSite> sites() {
        return Collections.unmodifiableList(written);
    }

    /** What was written to the {@code index}th site of {@code kind} so far, or {@code null} when nothing was. */
    WrittenSite written(SiteKind kind, int index) {
        WrittenSite[] ofKind = byPosition[kind.ordinal()];
        return ofKind == null || index >= ofKind.length ? null : ofKind[index];
    }

    /**
     * The written site for the {@code index}th site of {@code kind}, at {@code pointer}, whose
     * node as sent is {@code node}; made at its first write.
     */
    WrittenSite writable(SiteKind kind, int index, String pointer, ObjectNode node) {
        WrittenSite site = written(kind, index);
        if (site != null) {
            return site;
        }
        site = new WrittenSite(pointer, node);
        written.add(site);
        WrittenSite[] ofKind = byPosition[kind.ordinal()];
        if (ofKind == null || index >= ofKind.length) {
            ofKind = ofKind == null ? new WrittenSite[Math.max(index + 1, 4)]
                    : Arrays.copyOf(ofKind, Math.max(index + 1, 2 * ofKind.length));
            byPosition[kind.ordinal()] = ofKind;
        }
        ofKind[index] = site;
        return site;
    }

    /**
     * The whole mutated object: the original with every written site in place, sharing every
     * other node with it. Built on demand (tests); the served path diffs {@link #sites()}.
     */
    public ObjectNode root() {
        ObjectNode root = shallowCopy(original);
        Set<JsonNode> owned = Collections.newSetFromMap(new IdentityHashMap<>());
        owned.add(root);
        for (WrittenSite site : written) {
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
