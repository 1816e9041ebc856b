package io.github.imagepullwebhook.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.fabric8.zjsonpatch.DiffFlags;
import io.fabric8.zjsonpatch.JsonDiff;
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

    /** @throws IllegalStateException when the diff touches a field no rule may change */
    public static ArrayNode diff(JsonNode original, JsonNode mutated) {
        ArrayNode patch = (ArrayNode) JsonDiff.asJson(original, mutated, FLAGS);
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
