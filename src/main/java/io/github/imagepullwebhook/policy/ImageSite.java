package io.github.imagepullwebhook.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.imagepullwebhook.image.ImageReference;
import io.github.imagepullwebhook.image.InvalidImageReferenceException;

/**
 * One place in an object that names an image and its pull policy: a container, init container,
 * ephemeral container, or the {@code image} source of a volume. Carries its field path so that
 * every message names the exact field, as Kubernetes' validation errors do.
 */
public final class ImageSite {

    private final SiteKind kind;
    /** The container's or volume's name, which is how an UPDATE matches it to the old object. */
    private final String name;
    /** Position in its list, which is how a {@link MutableCopy} finds what was written to it. */
    private final int index;
    private final SpecLocation.SitePaths paths;
    /** Where writes go; {@code null} to write into {@link #node} itself. */
    private final MutableCopy copy;
    /** The node as visited: the original's when visiting a {@link MutableCopy}, which is never written. */
    private final ObjectNode node;
    /** What was written to this site through {@link #copy} so far; {@code null} until the first write. */
    private MutableCopy.WrittenSite written;
    private ImageReference reference;
    private String parseError;
    private boolean parsed;

    /** A site of a visited object, the {@code index}th of its list under {@code location}. */
    ImageSite(SiteKind kind, String name, ObjectNode node, SpecLocation location, int index, MutableCopy copy) {
        this.kind = kind;
        this.name = name;
        this.index = index;
        this.paths = location.site(kind, index);
        this.copy = copy;
        this.node = node;
        this.written = copy == null ? null : copy.written(kind, index);
    }

    /** A free-standing site (tests): writes go into {@code node}. */
    ImageSite(SiteKind kind, ObjectNode node, String fieldPath) {
        this.kind = kind;
        this.name = null;
        this.index = -1;
        this.paths = SpecLocation.SitePaths.of(fieldPath, null, kind);
        this.copy = null;
        this.node = node;
    }

    public SiteKind kind() {
        return kind;
    }

    /**
     * The container's name (for an image volume, the volume's), or {@code null} when absent or
     * not a string. Kubernetes requires names unique among a pod's containers of every kind.
     */
    public String name() {
        return name;
    }

    /** Kubernetes-style path of the container or image source, e.g. {@code spec.initContainers[0]}. */
    public String fieldPath() {
        return paths.fieldPath();
    }

    /** JSON pointer of the site's node in the object, e.g. {@code /spec/containers/1}. */
    String pointer() {
        return paths.pointer();
    }

    /** Path of the pull-policy field, e.g. {@code spec.containers[1].imagePullPolicy}. */
    public String policyPath() {
        return paths.policyPath();
    }

    /** Path of the image field, e.g. {@code spec.containers[1].image}. */
    public String imagePath() {
        return paths.imagePath();
    }

    /** The image string as written, or {@code null} when the field is absent or not a string. */
    public String image() {
        return read(kind.imageField());
    }

    /** The pull policy as written; empty when absent, as Kubernetes treats it. */
    public String pullPolicy() {
        String policy = read(kind.policyField());
        return policy == null ? "" : policy;
    }

    public void setPullPolicy(String policy) {
        write(kind.policyField(), paths.policyPointer(), policy);
    }

    public void setImage(String image) {
        write(kind.imageField(), paths.imagePointer(), image);
        parsed = false;
    }

    /** A string field as the rules left it: the value written through the copy, else the node's. */
    private String read(String field) {
        String set = written == null ? null : written.value(field);
        if (set != null) {
            return set;
        }
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.textValue() : null;
    }

    /** @param pointer the field's JSON pointer, built once per site position (patches name it) */
    private void write(String field, String pointer, String value) {
        if (copy == null) {
            node.put(field, value);
            return;
        }
        if (written == null) {
            written = copy.writable(kind, index, pointer(), node);
        }
        written.set(field, pointer, value);
    }

    /** The parsed image, or {@code null} when absent or unparsable (see {@link #parseError()}). */
    public ImageReference reference() {
        parseOnce();
        return reference;
    }

    /** Why the image did not parse, or {@code null} when it did (or is absent). */
    public String parseError() {
        parseOnce();
        return parseError;
    }

    private void parseOnce() {
        if (parsed) {
            return;
        }
        parsed = true;
        reference = null;
        parseError = null;
        String image = image();
        if (image == null) {
            return;
        }
        try {
            reference = ImageReference.parse(image);
        } catch (InvalidImageReferenceException e) {
            parseError = e.getMessage();
        }
    }
}
