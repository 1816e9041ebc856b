package io.github.imagepullwebhook.admission;

import io.github.imagepullwebhook.policy.EnforcementScope;
import io.github.imagepullwebhook.policy.PodSpecs;
import java.util.Optional;
import java.util.Set;

/**
 * The one predicate that decides, before any rule runs, that a review is none of the webhook's
 * business, and the scope of the rules in the reviews that are. Mutate and validate both ask
 * it, so they can never disagree about what they cover (the in-tree AlwaysPullImages plugin's
 * {@code shouldIgnore} plays the same part). An UPDATE that changes no image is skipped too, but
 * that is decided per site by the {@link EnforcementScope}, never by comparing sets of images.
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
        return Optional.empty();
    }

    /**
     * The {@code ephemeralcontainers} subresource ({@code kubectl debug}), in either shape: a Pod
     * (Kubernetes 1.22 and later), or an {@code EphemeralContainers} object (1.20 and 1.21).
     */
    public static boolean isEphemeralContainers(Review review) {
        return PodSpecs.isPodLevel(review.kind()) && EPHEMERAL_CONTAINERS.equals(review.subResource());
    }

    /**
     * Which sites the rules act on: every site on CREATE (and on an UPDATE without an old
     * object), else those that are new or changed their image, matched by name to the old object.
     */
    public static EnforcementScope scope(Review review) {
        if (!Review.UPDATE.equals(review.operation()) || review.oldObject() == null) {
            return EnforcementScope.everySite();
        }
        return EnforcementScope.update(review.kind(), review.oldObject(), isEphemeralContainers(review));
    }
}
