package io.github.imagepullwebhook.manifest;

import java.util.Comparator;
import java.util.List;

/** Replace {@code [start, end)} of the text with {@code replacement}; an insert has start == end. */
record TextEdit(int start, int end, String replacement) {

    static TextEdit insert(int at, String text) {
        return new TextEdit(at, at, text);
    }

    static String apply(String text, List<TextEdit> edits) {
        StringBuilder out = new StringBuilder(text);
        edits.stream()
                .sorted(Comparator.comparingInt(TextEdit::start).reversed())
                .forEach(edit -> out.replace(edit.start, edit.end, edit.replacement));
        return out.toString();
    }
}
