package io.github.imagepullwebhook.policy;

/**
 * The kinds of places a pod spec names an image, in the order Kubernetes visits them
 * ({@code VisitContainersWithPath}: init, regular, ephemeral), followed by image volumes.
 */
public enum SiteKind {
    INIT_CONTAINER("initContainers", "image", "imagePullPolicy"),
    CONTAINER("containers", "image", "imagePullPolicy"),
    EPHEMERAL_CONTAINER("ephemeralContainers", "image", "imagePullPolicy"),
    /** {@code spec.volumes[].image}: an OCI image mounted as a volume. */
    IMAGE_VOLUME("volumes", "reference", "pullPolicy");

    private final String listField;
    private final String imageField;
    private final String policyField;

    SiteKind(String listField, String imageField, String policyField) {
        this.listField = listField;
        this.imageField = imageField;
        this.policyField = policyField;
    }

    /** The pod spec field holding the list, e.g. {@code initContainers}. */
    public String listField() {
        return listField;
    }

    /** The field holding the image string, e.g. {@code image}. */
    public String imageField() {
        return imageField;
    }

    /** The field holding the pull policy, e.g. {@code imagePullPolicy}. */
    public String policyField() {
        return policyField;
    }
}
