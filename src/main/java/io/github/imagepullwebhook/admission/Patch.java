package io.github.imagepullwebhook.admission;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * A JSON patch as a review answer carries it: {@code add} and {@code replace} operations whose
 * values are strings, because that is all a rule ever writes (a pull policy, an image). Typed
 * rather than a tree so that an operation the webhook must never send cannot be built, and so
 * that encoding it is a walk over a few strings rather than over generic JSON nodes.
 *
 * @param operations in the order they apply
 */
public record Patch(List<Operation> operations) {

    /** The only operations a patch may hold; the manifests' whole-tree diff is held to them too. */
    static final Set<String> OPERATIONS = Set.of("add", "replace");

    /**
     * One operation.
     *
     * @param op    {@code add} or {@code replace}
     * @param path  JSON pointer of the field, already escaped ({@code ~0}, {@code ~1})
     * @param value the field's new value
     */
    public record Operation(String op, String path, String value) {

        public Operation {
            if (!OPERATIONS.contains(op)) {
                throw refused(op, path);
            }
        }
    }

    public Patch {
        operations = List.copyOf(operations);
    }

    /** How an operation the webhook must never send is refused, wherever it is found. */
    static IllegalStateException refused(String op, String path) {
        return new IllegalStateException("refusing a patch that would " + op + " " + path);
    }

    /**
     * The patch as JSON text, UTF-8: what the answer carries, base64-encoded. Its keys and
     * operations are constants and its paths and values almost never need escaping, so the text
     * is assembled directly; a string that does need it goes through Jackson's JSON quoting. (A
     * generator of its own cost more per review than all the rules together.)
     */
    public byte[] toJson() {
        StringBuilder json = new StringBuilder(80 * operations.size() + 2).append('[');
        for (Operation operation : operations) {
            json.append(json.length() == 1 ? "{\"op\":\"" : ",{\"op\":\"").append(operation.op()).append("\",\"path\":");
            quoted(operation.path(), json).append(",\"value\":");
            quoted(operation.value(), json).append('}');
        }
        return json.append(']').toString().getBytes(StandardCharsets.UTF_8);
    }

    private static StringBuilder quoted(String value, StringBuilder json) {
        json.append('"');
        if (plain(value)) {
            json.append(value);
        } else {
            JsonStringEncoder.getInstance().quoteAsString(value, json);
        }
        return json.append('"');
    }

    /** True when JSON needs no escape in {@code value}: no quote, backslash or control character. */
    private static boolean plain(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }
}
