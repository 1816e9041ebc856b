package io.github.imagepullwebhook.admission;

import java.util.Locale;

/** Why a review was answered the way it was. Used in tests, metrics, logs and audit annotations. */
public enum Reason {
    /** The object was changed; the response carries a patch. */
    PATCHED,
    /** The rules ran and found nothing to change. */
    NO_CHANGE,
    /** Not CREATE or UPDATE (DELETE, CONNECT). */
    SKIPPED_OPERATION,
    /** The namespace is ignored (configured, or the webhook's own). */
    SKIPPED_NAMESPACE,
    /** A kind without a pod spec this webhook knows. */
    SKIPPED_KIND,
    /** A subresource other than a pod's {@code ephemeralcontainers}. */
    SKIPPED_SUBRESOURCE,
    /**
     * An UPDATE that changes no image: every container, init container, ephemeral container and
     * image volume keeps the image of the old object's one of the same name.
     */
    SKIPPED_NO_IMAGE_CHANGE,
    /** The validate step found every enforced container pulling {@code Always}. */
    VALIDATED,
    /** The validate step found containers that do not pull {@code Always}. */
    DENIED_PULL_POLICY,
    /** Some images could not be pinned; the object was admitted without those pins, with warnings. */
    RESOLUTION_FAILED_ALLOWED,
    /** Some images could not be pinned and {@code registry.onError} is {@code deny}. */
    RESOLUTION_FAILED_DENIED,
    /** The review's object cannot be a Kubernetes object (not a JSON object). */
    INVALID_OBJECT,
    /** The body is not a usable AdmissionReview; answered with HTTP 4xx. */
    BAD_REQUEST,
    /** A bug: answered with HTTP 500 so the webhook's failurePolicy decides. */
    INTERNAL_ERROR;

    private final String label = name().toLowerCase(Locale.ROOT);

    /** The name as a metrics label, e.g. {@code no_change}; made once rather than per review. */
    public String label() {
        return label;
    }
}
