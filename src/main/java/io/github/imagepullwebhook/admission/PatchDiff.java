package io.github.imagepullwebhook.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.fabric8.zjsonpatch.DiffFlags;
import io.fabric8.zjsonpatch.JsonDiff;
import io.github.imagepullwebhook.policy.MutableCopy;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
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
     * The diff of a reviewed object and the rules' copy of it: for each written site, the
     * fields whose value now differs from the original's, each path prefixed with the site's
     * pointer. Equal, operation for operation, to the diff of the whole trees (the copy is the
     * original with just those fields set), at a fraction of its cost — this runs on every
     * review.
     *
     * @throws IllegalStateException when the diff touches a field no rule may change
     */
    public static Patch diff(MutableCopy copy) {
        List<Patch.Operation> operations = new ArrayList<>(4);
        for (MutableCopy.WrittenSite site : copy.sites()) {
            for (int i = 0; i < site.size(); i++) {
                diffField(site, i, operations);
            }
        }
        return new Patch(operations);
    }

    /** A rule may set a field back to what it was: that is no operation. */
    private static void diffField(MutableCopy.WrittenSite site, int i, List<Patch.Operation> operations) {
        String field = site.field(i);
        String value = site.value(i);
        JsonNode old = site.original().get(field);
        if (old != null && old.isTextual() && old.textValue().equals(value)) {
            return;
        }
        String op = old == null ? "add" : "replace";
        String path = site.path(i);
        if (!MUTABLE_FIELDS.contains(field)) {
            throw Patch.refused(op, path);
        }
        operations.add(new Patch.Operation(op, path, value));
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
