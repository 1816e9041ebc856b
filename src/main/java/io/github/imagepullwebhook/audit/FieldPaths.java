package io.github.imagepullwebhook.audit;

/** JSON pointers of the patch written as Kubernetes writes field paths, for people to read. */
final class FieldPaths {

    private FieldPaths() {
    }

    /** {@code /spec/containers/0/imagePullPolicy} → {@code spec.containers[0].imagePullPolicy}. */
    static String dotted(String pointer) {
        StringBuilder path = new StringBuilder();
        for (String segment : pointer.substring(1).split("/", -1)) {
            if (!segment.isEmpty() && segment.chars().allMatch(Character::isDigit)) {
                path.append('[').append(segment).append(']');
            } else {
                path.append(path.isEmpty() ? "" : ".").append(segment.replace("~1", "/").replace("~0", "~"));
            }
        }
        return path.toString();
    }
}
