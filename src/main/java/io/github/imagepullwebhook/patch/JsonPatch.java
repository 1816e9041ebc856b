package io.github.imagepullwebhook.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.imagepullwebhook.policy.Change;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The JSON patch (RFC 6902) of a list of changes: one {@code add} (the field is absent) or
 * {@code replace} per change, at the change's pointer. Typed, so that an operation the webhook
 * must never send ({@code remove}, {@code move}, {@code copy}, a field that is not an image or a
 * pull policy) cannot be built.
 *
 * @param operations in the order they apply
 */
public record JsonPatch(List<Operation> operations) {

    /** The only fields a patch may touch. */
    static final Set<String> FIELDS = Set.of("imagePullPolicy", "pullPolicy", "image", "reference");
    private static final Set<String> OPERATIONS = Set.of("add", "replace");

    /**
     * One operation; serialised as {@code {"op":…,"path":…,"value":…}}.
     *
     * @param op    {@code add} or {@code replace}
     * @param path  JSON pointer of the field
     * @param value the field's new value
     */
    public record Operation(String op, String path, String value) {

        public Operation {
            if (!OPERATIONS.contains(op) || !FIELDS.contains(path.substring(path.lastIndexOf('/') + 1))) {
                throw new IllegalStateException("refusing a patch that would " + op + " " + path);
            }
        }
    }

    public JsonPatch {
        operations = List.copyOf(operations);
    }

    /** The patch of changes to a whole object. */
    public static JsonPatch of(List<Change> changes) {
        return of("", changes);
    }

    /**
     * The patch of changes to an object that sits at {@code prefix} in a larger document (an
     * item of a {@code List}).
     */
    public static JsonPatch of(String prefix, List<Change> changes) {
        List<Operation> operations = new ArrayList<>(changes.size());
        for (Change change : changes) {
            operations.add(new Operation(change.replaces() ? "replace" : "add", prefix + change.pointer(),
                    change.newValue()));
        }
        return new JsonPatch(operations);
    }

    public boolean isEmpty() {
        return operations.isEmpty();
    }

    /**
     * Applies the patch to {@code root} in place. Every operation sets a string field of an
     * object the pointer's parent names, which is all {@link #of} builds.
     *
     * @throws IllegalArgumentException when a parent is missing or not an object
     */
    public void applyTo(JsonNode root) {
        for (Operation operation : operations) {
            int slash = operation.path().lastIndexOf('/');
            JsonNode parent = root.at(operation.path().substring(0, slash));
            if (!(parent instanceof ObjectNode object)) {
                throw new IllegalArgumentException("no object at " + operation.path().substring(0, slash));
            }
            object.put(operation.path().substring(slash + 1), operation.value());
        }
    }
}
