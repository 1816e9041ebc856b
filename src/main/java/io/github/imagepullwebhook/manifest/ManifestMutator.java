package io.github.imagepullwebhook.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.github.imagepullwebhook.patch.JsonPatch;
import io.github.imagepullwebhook.policy.EnforcementScope;
import io.github.imagepullwebhook.policy.GroupKind;
import io.github.imagepullwebhook.policy.ImagePolicy;
import io.github.imagepullwebhook.policy.PolicyResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.Node;

/** Applies a policy to a stream of YAML or JSON manifests, as if each were being created. */
public final class ManifestMutator {

    /**
     * @param text     the manifests, edited only where the policy changed something
     * @param warnings what the server would have sent as warnings, prefixed by the object's name
     * @param changed  how many objects changed
     */
    public record Result(String text, List<String> warnings, int changed) {
    }

    private final ImagePolicy policy;

    public ManifestMutator(ImagePolicy policy) {
        this.policy = policy;
    }

    public Result mutate(String input) {
        List<Node> documents = YamlTrees.compose(input);
        List<JsonNode> expected = new ArrayList<>();
        List<TextEdit> edits = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        PatchToText patcher = new PatchToText(input);
        int changed = 0;
        boolean editable = true;
        for (Node document : documents) {
            JsonNode original = YamlTrees.toJson(document);
            List<JsonPatch> patches = new ArrayList<>();
            for (Target target : targets(original, "")) {
                PolicyResult result = policy.decide(target.kind, target.object, EnforcementScope.everySite());
                result.warnings().forEach(w -> warnings.add(target.describe() + ": " + w));
                changed += result.changed() ? 1 : 0;
                patches.add(JsonPatch.of(target.pointer, result.changes()));
            }
            JsonNode mutated = original.deepCopy();
            for (JsonPatch patch : patches) {
                patch.applyTo(mutated);
                Optional<List<TextEdit>> patchEdits = patcher.edits(document, patch);
                patchEdits.ifPresent(edits::addAll);
                editable &= patchEdits.isPresent();
            }
            expected.add(mutated);
        }
        String edited = editable ? TextEdit.apply(input, edits) : null;
        if (edited != null && sameTrees(edited, expected)) {
            return new Result(edited, warnings, changed);
        }
        return new Result(serialise(input, expected), warnings, changed);
    }

    /** The objects in a document: the document itself, or the items of a {@code List}, with their pointers. */
    private static List<Target> targets(JsonNode root, String pointer) {
        List<Target> targets = new ArrayList<>();
        if (!(root instanceof ObjectNode object)) {
            return targets;
        }
        String kind = object.path("kind").asText();
        if (kind.endsWith("List") && object.path("items").isArray()) {
            JsonNode items = object.path("items");
            for (int i = 0; i < items.size(); i++) {
                targets.addAll(targets(items.get(i), pointer + "/items/" + i));
            }
        } else {
            targets.add(new Target(GroupKind.ofApiVersion(object.path("apiVersion").asText(), kind), object, pointer));
        }
        return targets;
    }

    private static boolean sameTrees(String text, List<JsonNode> expected) {
        try {
            return YamlTrees.compose(text).stream().map(YamlTrees::toJson).toList().equals(expected);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The fallback: every document written again, in the input's format. */
    private static String serialise(String input, List<JsonNode> documents) {
        boolean json = input.stripLeading().startsWith("{") || input.stripLeading().startsWith("[");
        try {
            if (json) {
                ObjectMapper mapper = new ObjectMapper();
                StringBuilder out = new StringBuilder();
                for (JsonNode document : documents) {
                    out.append(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(document)).append('\n');
                }
                return out.toString();
            }
            ObjectMapper yaml = new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
            List<String> parts = new ArrayList<>();
            for (JsonNode document : documents) {
                parts.add(yaml.writeValueAsString(document));
            }
            return String.join("---\n", parts);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write manifests: " + e.getOriginalMessage(), e);
        }
    }

    /** An object to review, at {@code pointer} in its document. */
    private record Target(GroupKind kind, ObjectNode object, String pointer) {
        String describe() {
            String name = object.path("metadata").path("name").asText();
            return kind + (name.isEmpty() ? "" : " \"" + name + "\"");
        }
    }
}
