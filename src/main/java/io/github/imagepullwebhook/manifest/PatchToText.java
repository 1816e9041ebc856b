package io.github.imagepullwebhook.manifest;

import io.github.imagepullwebhook.patch.JsonPatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.yaml.snakeyaml.DumperOptions.FlowStyle;
import org.yaml.snakeyaml.DumperOptions.ScalarStyle;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Turns the policy's patch operations ({@code add}/{@code replace} of a string field in a
 * container-like mapping) into text edits at SnakeYAML's marks. Anything it cannot place
 * exactly makes it give up on the document ({@link Optional#empty()}), and the caller
 * re-serialises instead.
 */
final class PatchToText {

    /** Fields after which a new field reads naturally: the image it belongs to. */
    private static final List<String> ANCHORS = List.of("image", "reference");

    private final String text;

    PatchToText(String text) {
        this.text = text;
    }

    Optional<List<TextEdit>> edits(Node document, JsonPatch patch) {
        List<TextEdit> edits = new ArrayList<>();
        for (JsonPatch.Operation operation : patch.operations()) {
            Optional<TextEdit> edit = switch (operation.op()) {
                case "replace" -> replace(document, operation.path(), operation.value());
                case "add" -> add(document, operation.path(), operation.value());
                default -> Optional.empty();
            };
            if (edit.isEmpty()) {
                return Optional.empty();
            }
            edits.add(edit.get());
        }
        return Optional.of(edits);
    }

    private Optional<TextEdit> replace(Node document, String path, String value) {
        if (!(YamlTrees.at(document, path) instanceof ScalarNode scalar)) {
            return Optional.empty();
        }
        return Optional.of(new TextEdit(scalar.getStartMark().getIndex(), scalar.getEndMark().getIndex(),
                render(value, scalar.getScalarStyle())));
    }

    private Optional<TextEdit> add(Node document, String path, String value) {
        int slash = path.lastIndexOf('/');
        String field = path.substring(slash + 1);
        if (!(YamlTrees.at(document, path.substring(0, slash)) instanceof MappingNode mapping)
                || mapping.getValue().isEmpty()) {
            return Optional.empty();
        }
        return mapping.getFlowStyle() == FlowStyle.FLOW
                ? addToFlow(mapping, field, value)
                : addToBlock(mapping, field, value);
    }

    /** {@code {a: b}} → {@code {a: b, "field": "value"}}; double quotes keep JSON input JSON. */
    private Optional<TextEdit> addToFlow(MappingNode mapping, String field, String value) {
        int close = mapping.getEndMark().getIndex() - 1;
        if (close < 0 || text.charAt(close) != '}') {
            return Optional.empty();
        }
        Node last = mapping.getValue().get(mapping.getValue().size() - 1).getValueNode();
        return Optional.of(TextEdit.insert(last.getEndMark().getIndex(),
                ", " + render(field, ScalarStyle.DOUBLE_QUOTED) + ": " + render(value, ScalarStyle.DOUBLE_QUOTED)));
    }

    /** A new line after the image's line, at the same indentation as the image key. */
    private Optional<TextEdit> addToBlock(MappingNode mapping, String field, String value) {
        NodeTuple anchor = anchor(mapping);
        Node key = anchor.getKeyNode();
        Node anchorValue = anchor.getValueNode();
        int lineEnd = text.indexOf('\n', anchorValue.getEndMark().getIndex());
        if (!(anchorValue instanceof ScalarNode scalar) || scalar.getScalarStyle() == ScalarStyle.LITERAL
                || scalar.getScalarStyle() == ScalarStyle.FOLDED
                || anchorValue.getStartMark().getLine() != anchorValue.getEndMark().getLine()) {
            return Optional.empty();
        }
        String newline = lineEnd > 0 && text.charAt(lineEnd - 1) == '\r' ? "\r\n" : "\n";
        int at = lineEnd < 0 ? text.length() : (newline.length() == 2 ? lineEnd - 1 : lineEnd);
        String line = newline + " ".repeat(key.getStartMark().getColumn()) + field + ": "
                + render(value, ScalarStyle.PLAIN);
        return Optional.of(TextEdit.insert(at, line));
    }

    private static NodeTuple anchor(MappingNode mapping) {
        for (String name : ANCHORS) {
            NodeTuple tuple = YamlTrees.tuple(mapping, name);
            if (tuple != null) {
                return tuple;
            }
        }
        return mapping.getValue().get(mapping.getValue().size() - 1);
    }

    /** Policy values and pinned images are plain-safe; keep the user's quoting where there was one. */
    private static String render(String value, ScalarStyle style) {
        return switch (style) {
            case DOUBLE_QUOTED -> "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
            case SINGLE_QUOTED -> "'" + value.replace("'", "''") + "'";
            default -> value;
        };
    }
}
