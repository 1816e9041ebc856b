package io.github.imagepullwebhook.admission;

import io.github.imagepullwebhook.policy.EnforcementScope;
import io.github.imagepullwebhook.policy.PodSpecs;
import java.util.Optional;
import java.util.Set;

/**
 * The one predicate that decides, before any rule runs, that a review is none of the webhook's
 * business. Mutate and validate both ask it, so they can never disagree about what they cover
 * (the in-tree AlwaysPullImages plugin's {@code shouldIgnore} plays the same part).
 */
public final class SkipRules {

    /** The one subresource we act on: {@code kubectl debug} adds ephemeral containers through it. */
    public static final String EPHEMERAL_CONTAINERS = "ephemeralcontainers";

    private final Set<String> ignoredNamespaces;

    /** @param ignoredNamespaces configured namespaces plus the webhook's own, when known */
    public SkipRules(Set<String> ignoredNamespaces) {
        this.ignoredNamespaces = Set.copyOf(ignoredNamespaces);
    }

    public Optional<Reason> skip(Review review) {
        if (!Review.CREATE.equals(review.operation()) && !Review.UPDATE.equals(review.operation())) {
            return Optional.of(Reason.SKIPPED_OPERATION);
        }
        if (ignoredNamespaces.contains(review.namespace())) {
            return Optional.of(Reason.SKIPPED_NAMESPACE);
        }
        if (!PodSpecs.supports(review.kind())) {
            return Optional.of(Reason.SKIPPED_KIND);
        }
        if (review.isSubResource() && !isEphemeralContainers(review)) {
            return Optional.of(Reason.SKIPPED_SUBRESOURCE);
        }
        if (isUpdateWithNoNewImages(review)) {
            return Optional.of(Reason.SKIPPED_NO_NEW_IMAGES);
        }
        return Optional.empty();
    }

    public static boolean isEphemeralContainers(Review review) {
        return PodSpecs.isPod(review.kind()) && EPHEMERAL_CONTAINERS.equals(review.subResource());
    }

    /**
     * An UPDATE whose images all appear among the old object's images, compared as sets so
     * that reordering is no news. Label edits on pods created before enforcement stay possible.
     */
    private static boolean isUpdateWithNoNewImages(Review review) {
        if (!Review.UPDATE.equals(review.operation()) || review.oldObject() == null || review.object() == null) {
            return false;
        }
        return EnforcementScope.bringsNoNewImage(review.kind(), review.object(),
                EnforcementScope.images(review.kind(), review.oldObject()));
    }
}
