package io.github.imagepullwebhook.policy;

import com.fasterxml.jackson.core.JsonPointer;

/**
 * Where a kind keeps its pod spec, in the two spellings the webhook needs: the dotted field
 * path messages use ({@code spec.template.spec}, as Kubernetes writes field paths) and the JSON
 * pointer patches use ({@code /spec/template/spec}). It also hands out the paths of the image
 * sites under it: every review names the same few sites, so the paths of the first
 * {@value #CACHED_INDEXES} entries of each list are built once here (at first use) instead of on
 * every review.
 *
 * @param path    dotted field path
 * @param pointer the same path as a JSON pointer
 * @param cached  by site kind, then index: the sites' paths, each built at its first use
 */
record SpecLocation(String path, JsonPointer pointer, SitePaths[][] cached) {

    /** Pods rarely have more containers than this; sites beyond it build their paths when asked. */
    static final int CACHED_INDEXES = 16;

    /**
     * The paths of one site.
     *
     * @param fieldPath  the site's node, e.g. {@code spec.containers[1]}
     * @param pointer    the site's node as a JSON pointer, e.g. {@code /spec/containers/1}
     * @param policyPath its pull-policy field, e.g. {@code spec.containers[1].imagePullPolicy}
     * @param imagePath  its image field, e.g. {@code spec.containers[1].image}
     * @param policyPointer its pull-policy field as a JSON pointer (what a patch names), or
     *                  {@code null} for a site outside any object
     * @param imagePointer  its image field as a JSON pointer, or {@code null} likewise
     */
    record SitePaths(String fieldPath, String pointer, String policyPath, String imagePath, String policyPointer,
                     String imagePointer) {

        static SitePaths of(String fieldPath, String pointer, SiteKind kind) {
            return new SitePaths(fieldPath, pointer, fieldPath + "." + kind.policyField(),
                    fieldPath + "." + kind.imageField(), pointer == null ? null : pointer + "/" + kind.policyField(),
                    pointer == null ? null : pointer + "/" + kind.imageField());
        }
    }

    /** @param path dotted, or empty for lists at the object's root (the {@code EphemeralContainers} kind) */
    static SpecLocation of(String path) {
        JsonPointer pointer = path.isEmpty() ? JsonPointer.empty() : JsonPointer.compile("/" + path.replace('.', '/'));
        return new SpecLocation(path, pointer, new SitePaths[SiteKind.values().length][CACHED_INDEXES]);
    }

    /**
     * The paths of the {@code index}th site of {@code kind}'s list. Filled on first use rather
     * than at class initialisation, which is on the way to readiness. Two threads may both build
     * an entry; either result is the same immutable record.
     */
    SitePaths site(SiteKind kind, int index) {
        if (index >= CACHED_INDEXES) {
            return build(kind, index);
        }
        SitePaths paths = cached[kind.ordinal()][index];
        if (paths == null) {
            paths = build(kind, index);
            cached[kind.ordinal()][index] = paths;
        }
        return paths;
    }

    private SitePaths build(SiteKind kind, int index) {
        boolean volume = kind == SiteKind.IMAGE_VOLUME; // the site is the volume's image source
        return SitePaths.of((path.isEmpty() ? "" : path + ".") + kind.listField() + "[" + index + "]" + (volume ? ".image" : ""),
                pointer + "/" + kind.listField() + "/" + index + (volume ? "/image" : ""), kind);
    }
}
