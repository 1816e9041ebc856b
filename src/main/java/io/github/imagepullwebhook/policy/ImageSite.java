package io.github.imagepullwebhook.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.imagepullwebhook.image.ImageReference;
import io.github.imagepullwebhook.image.InvalidImageReferenceException;

/**
 * One place in an object that names an image and its pull policy: a container, init container,
 * ephemeral container, or the {@code image} source of a volume. A read-only view of the
 * request's node: rules never write it, they return {@link Change}s made here, which carry the
 * site's field path (for messages, as Kubernetes' validation errors name fields) and JSON pointer
 * (for the patch).
 */
public final class ImageSite {

    private final SiteKind kind;
    private final String name;
    private final ObjectNode node;
    private final SpecLocation location;
    private final int index;
    private ImageReference reference;
    private String parseError;
    private boolean parsed;

    /** The {@code index}th site of {@code kind}'s list under {@code location}; {@code node} is never written. */
    ImageSite(SiteKind kind, String name, ObjectNode node, SpecLocation location, int index) {
        this.kind = kind;
        this.name = name;
        this.node = node;
        this.location = location;
        this.index = index;
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
        return location.sitePath(kind, index);
    }

    /** Path of the pull-policy field, e.g. {@code spec.containers[1].imagePullPolicy}. */
    public String policyPath() {
        return fieldPath() + "." + kind.policyField();
    }

    /** Path of the image field, e.g. {@code spec.containers[1].image}. */
    public String imagePath() {
        return fieldPath() + "." + kind.imageField();
    }

    /** The image string as written, or {@code null} when the field is absent or not a string. */
    public String image() {
        return text(kind.imageField());
    }

    /** The pull policy as written; empty when absent or not a string, as Kubernetes treats it. */
    public String pullPolicy() {
        String policy = text(kind.policyField());
        return policy == null ? "" : policy;
    }

    /** A change of the pull policy to {@code value}. */
    public Change policyChange(String value, String rule, String why) {
        return change(kind.policyField(), value, rule, why);
    }

    /** A change of the image to {@code value}. */
    public Change imageChange(String value, String rule, String why) {
        return change(kind.imageField(), value, rule, why);
    }

    private Change change(String field, String value, String rule, String why) {
        JsonNode old = node.get(field);
        String oldValue = old == null ? null : old.isTextual() ? old.textValue() : old.toString();
        // A field of a container needs no ~ or / escape in a JSON pointer.
        return new Change(fieldPath() + "." + field, location.sitePointer(kind, index) + "/" + field, oldValue, value,
                rule, why);
    }

    private String text(String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.textValue() : null;
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
