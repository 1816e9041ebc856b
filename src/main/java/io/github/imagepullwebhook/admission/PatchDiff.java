package io.github.imagepullwebhook.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.zjsonpatch.DiffFlags;
import io.fabric8.zjsonpatch.JsonDiff;
import io.github.imagepullwebhook.policy.MutableCopy;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The patch is the diff of the untouched request object and the mutated copy. Diffing untyped
 * trees (not re-serialised typed objects) is what keeps fields this webhook has never heard of
 * out of the patch. {@code move}/{@code copy} are never emitted: they are legal JSON patch but
 * make a patch depend on state the reader has to reconstruct.
 */
public final class PatchDiff {

    /** The only fields a patch may ever touch; anything else is a bug and is refused. */
    private static final Set<String> MUTABLE_FIELDS = Set.of("imagePullPolicy", "pullPolicy", "image", "reference");
    private static final EnumSet<DiffFlags> FLAGS =
            EnumSet.of(DiffFlags.OMIT_MOVE_OPERATION, DiffFlags.OMIT_COPY_OPERATION, DiffFlags.OMIT_VALUE_ON_REMOVE);

    private PatchDiff() {
    }

    /**
     * The diff of a whole tree and its mutated deep copy.
     *
     * @throws IllegalStateException when the diff touches a field no rule may change
     */
    public static ArrayNode diff(JsonNode original, JsonNode mutated) {
        return checked((ArrayNode) JsonDiff.asJson(original, mutated, FLAGS));
    }

    /**
     * The diff of a reviewed object and the rules' copy of it: the diffs of the written site
     * nodes, each path prefixed with the site's pointer. Equal, operation for operation, to the
     * diff of the whole trees (the copy is the original with just those nodes replaced), at a
     * fraction of its cost — this runs on every review.
     *
     * @throws IllegalStateException when the diff touches a field no rule may change
     */
    public static Patch diff(MutableCopy copy) {
        List<Patch.Operation> operations = new ArrayList<>(4);
        for (MutableCopy.CopiedSite site : copy.sites()) {
            diffFields(site, operations);
        }
        return new Patch(operations);
    }

    /**
     * A site node's copy differs from its original only in values the site set on its own
     * fields, and a site only ever sets a field to a string: so comparing the two objects field
     * by field is their whole diff, and a general tree diff would only rediscover that.
     * Children are shared instances unless a site replaced them, so most compare by identity.
     */
    private static void diffFields(MutableCopy.CopiedSite site, List<Patch.Operation> operations) {
        ObjectNode before = site.original();
        ObjectNode after = site.copy();
        for (Map.Entry<String, JsonNode> field : after.properties()) {
            JsonNode old = before.get(field.getKey());
            if (old == null) {
                operations.add(operation("add", site.pointer(), field));
            } else if (old != field.getValue() && !old.equals(field.getValue())) {
                operations.add(operation("replace", site.pointer(), field));
            }
        }
        for (Map.Entry<String, JsonNode> field : before.properties()) {
            if (!after.has(field.getKey())) { // no rule removes
                throw Patch.refused("remove", site.pointer() + "/" + field.getKey());
            }
        }
    }

    private static Patch.Operation operation(String op, String pointer, Map.Entry<String, JsonNode> field) {
        String path = pointer + "/" + field.getKey().replace("~", "~0").replace("/", "~1");
        if (!MUTABLE_FIELDS.contains(field.getKey()) || !field.getValue().isTextual()) {
            throw Patch.refused(op, path);
        }
        return new Patch.Operation(op, path, field.getValue().textValue());
    }

    private static ArrayNode checked(ArrayNode patch) {
        for (JsonNode operation : patch) {
            String path = operation.path("path").asText();
            String field = path.substring(path.lastIndexOf('/') + 1);
            if (!Patch.OPERATIONS.contains(operation.path("op").asText()) || !MUTABLE_FIELDS.contains(field)) {
                throw Patch.refused(operation.path("op").asText(), path);
            }
        }
        return patch;
    }
}
