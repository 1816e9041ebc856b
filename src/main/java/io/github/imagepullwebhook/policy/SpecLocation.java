package io.github.imagepullwebhook.policy;

import com.fasterxml.jackson.core.JsonPointer;

/**
 * Where a kind keeps its pod spec, in the two spellings the webhook needs: the dotted field
 * path messages use ({@code spec.template.spec}, as Kubernetes writes field paths) and the JSON
 * pointer patches use ({@code /spec/template/spec}).
 *
 * @param path    dotted field path
 * @param pointer the same path as a JSON pointer
 */
record SpecLocation(String path, JsonPointer pointer) {

    static SpecLocation of(String path) {
        return new SpecLocation(path, JsonPointer.compile("/" + path.replace('.', '/')));
    }
}
