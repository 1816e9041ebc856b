package io.github.imagepullwebhook.policy;

/**
 * Where a kind keeps its pod spec, in the two spellings the webhook needs: the dotted field
 * path messages use ({@code spec.template.spec}, as Kubernetes writes field paths) and the JSON
 * pointer patches use ({@code /spec/template/spec}). Empty for the {@code EphemeralContainers}
 * kind, whose list sits at the object's root.
 *
 * @param path    dotted field path
 * @param pointer the same path as a JSON pointer
 */
record SpecLocation(String path, String pointer) {

    static SpecLocation of(String path) {
        return new SpecLocation(path, path.isEmpty() ? "" : "/" + path.replace('.', '/'));
    }

    /** The dotted path of the {@code index}th site of {@code kind}'s list, e.g. {@code spec.volumes[2].image}. */
    String sitePath(SiteKind kind, int index) {
        return (path.isEmpty() ? "" : path + ".") + kind.listField() + "[" + index + "]" + (isVolume(kind) ? ".image" : "");
    }

    /** The same site as a JSON pointer, e.g. {@code /spec/volumes/2/image}. */
    String sitePointer(SiteKind kind, int index) {
        return pointer + "/" + kind.listField() + "/" + index + (isVolume(kind) ? "/image" : "");
    }

    /** An image volume's site is the volume's {@code image} source, one level below the list entry. */
    private static boolean isVolume(SiteKind kind) {
        return kind == SiteKind.IMAGE_VOLUME;
    }
}
