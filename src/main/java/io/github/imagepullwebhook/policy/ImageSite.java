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
    private final SpecLocation.SitePaths paths;
    /** Where writes go; {@code null} to write into {@link #node} itself. */
    private final MutableCopy copy;
    private ObjectNode node;
    /** True once {@link #node} is the copy's own node; unused without a copy. */
    private boolean writable;
    private ImageReference reference;
    private String parseError;
    private boolean parsed;

    /** A site of a visited object, the {@code index}th of its list under {@code location}. */
    ImageSite(SiteKind kind, ObjectNode node, SpecLocation location, int index, MutableCopy copy) {
        this.kind = kind;
        this.paths = location.site(kind, index);
        this.copy = copy;
        this.node = copy == null ? node : copy.read(this, node);
    }

    /** A free-standing site (tests): writes go into {@code node}. */
    ImageSite(SiteKind kind, ObjectNode node, String fieldPath) {
        this.kind = kind;
        this.paths = SpecLocation.SitePaths.of(fieldPath, null, kind);
        this.copy = null;
        this.node = node;
    }

    public SiteKind kind() {
        return kind;
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
        JsonNode value = node.get(kind.imageField());
        return value != null && value.isTextual() ? value.textValue() : null;
    }

    /** The pull policy as written; empty when absent, as Kubernetes treats it. */
    public String pullPolicy() {
        JsonNode value = node.get(kind.policyField());
        return value != null && value.isTextual() ? value.textValue() : "";
    }

    public void setPullPolicy(String policy) {
        writable().put(kind.policyField(), policy);
    }

    public void setImage(String image) {
        writable().put(kind.imageField(), image);
        parsed = false;
    }

    /** The node to write: the copy's (made at the first write) when visiting a {@link MutableCopy}. */
    private ObjectNode writable() {
        if (copy != null && !writable) {
            node = copy.write(pointer(), node);
            writable = true;
        }
        return node;
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
