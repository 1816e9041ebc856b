package io.github.imagepullwebhook.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.zjsonpatch.DiffFlags;
import io.fabric8.zjsonpatch.JsonDiff;
import io.github.imagepullwebhook.policy.MutableCopy;
import java.util.EnumSet;
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
    private static final Set<String> OPERATIONS = Set.of("add", "replace");
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
     * The diff of a reviewed object and the rules' copy of it: the diffs of the copied site
     * nodes, each path prefixed with the site's pointer. Equal, operation for operation, to the
     * diff of the whole trees (the copy shares every other node with the original), at a
     * fraction of its cost — this runs on every review.
     *
     * @throws IllegalStateException when the diff touches a field no rule may change
     */
    public static ArrayNode diff(MutableCopy copy) {
        ArrayNode patch = JsonNodeFactory.instance.arrayNode();
        for (MutableCopy.CopiedSite site : copy.sites()) {
            if (site.original().equals(site.copy())) {
                continue;
            }
            for (JsonNode operation : JsonDiff.asJson(site.original(), site.copy(), FLAGS)) {
                ObjectNode prefixed = (ObjectNode) operation;
                prefixed.put("path", site.pointer() + operation.path("path").asText());
                patch.add(prefixed);
            }
        }
        return checked(patch);
    }

    private static ArrayNode checked(ArrayNode patch) {
        for (JsonNode operation : patch) {
            String path = operation.path("path").asText();
            String field = path.substring(path.lastIndexOf('/') + 1);
            if (!OPERATIONS.contains(operation.path("op").asText()) || !MUTABLE_FIELDS.contains(field)) {
                throw new IllegalStateException("refusing a patch that would " + operation.path("op").asText()
                        + " " + path);
            }
        }
        return patch;
    }
}
