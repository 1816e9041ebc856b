package io.github.imagepullwebhook.manifest;

/** Replace {@code [start, end)} of the text with {@code replacement}; an insert has start == end. */
record TextEdit(int start, int end, String replacement) {

    static TextEdit insert(int at, String text) {
        return new TextEdit(at, at, text);
    }

    static String apply(String text, java.util.List<TextEdit> edits) {
        StringBuilder out = new StringBuilder(text);
        edits.stream()
                .sorted(java.util.Comparator.comparingInt(TextEdit::start).reversed())
                .forEach(edit -> out.replace(edit.start, edit.end, edit.replacement));
        return out.toString();
    }
}
