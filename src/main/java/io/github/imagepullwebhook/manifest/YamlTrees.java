package io.github.imagepullwebhook.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/** SnakeYAML's positioned nodes, and the Jackson trees the policy works on. */
final class YamlTrees {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private YamlTrees() {
    }

    /** Every document of {@code text}, with marks that index into {@code text}. */
    static List<Node> compose(String text) {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(50);
        options.setCodePointLimit(64 * 1024 * 1024);
        List<Node> documents = new ArrayList<>();
        new Yaml(options).composeAll(new StringReader(text)).forEach(documents::add);
        return documents;
    }

    /** The node's value as Jackson sees values: strings, numbers, booleans, nulls, objects, arrays. */
    static JsonNode toJson(Node node) {
        if (node instanceof MappingNode mapping) {
            ObjectNode object = JSON.objectNode();
            for (NodeTuple tuple : mapping.getValue()) {
                if (tuple.getKeyNode() instanceof ScalarNode key) {
                    object.set(key.getValue(), toJson(tuple.getValueNode()));
                }
            }
            return object;
        }
        if (node instanceof SequenceNode sequence) {
            ArrayNode array = JSON.arrayNode();
            sequence.getValue().forEach(item -> array.add(toJson(item)));
            return array;
        }
        return scalar((ScalarNode) node);
    }

    private static JsonNode scalar(ScalarNode scalar) {
        String value = scalar.getValue();
        Tag tag = scalar.getTag();
        if (Tag.NULL.equals(tag)) {
            return JSON.nullNode();
        }
        if (Tag.BOOL.equals(tag)) {
            return JSON.booleanNode(value.equalsIgnoreCase("true") || value.equalsIgnoreCase("yes")
                    || value.equalsIgnoreCase("on") || value.equalsIgnoreCase("y"));
        }
        if (Tag.INT.equals(tag)) {
            try {
                return JSON.numberNode(Long.parseLong(value.replace("_", "")));
            } catch (NumberFormatException e) {
                return JSON.textNode(value);
            }
        }
        return JSON.textNode(value);
    }

    /** The node at a JSON pointer, or {@code null}. */
    static Node at(Node root, String pointer) {
        Node node = root;
        if (pointer.isEmpty()) {
            return node;
        }
        for (String raw : pointer.substring(1).split("/", -1)) {
            String token = raw.replace("~1", "/").replace("~0", "~");
            node = child(node, token);
            if (node == null) {
                return null;
            }
        }
        return node;
    }

    static Node child(Node node, String token) {
        if (node instanceof MappingNode mapping) {
            NodeTuple tuple = tuple(mapping, token);
            return tuple == null ? null : tuple.getValueNode();
        }
        if (node instanceof SequenceNode sequence) {
            try {
                int index = Integer.parseInt(token);
                return index >= 0 && index < sequence.getValue().size() ? sequence.getValue().get(index) : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    static NodeTuple tuple(MappingNode mapping, String key) {
        for (NodeTuple tuple : mapping.getValue()) {
            if (tuple.getKeyNode() instanceof ScalarNode scalar && scalar.getValue().equals(key)) {
                return tuple;
            }
        }
        return null;
    }
}
