package io.github.imagepullwebhook.policy;

import io.github.imagepullwebhook.image.ImagePattern;
import io.github.imagepullwebhook.image.ImageReference;
import java.util.List;

/**
 * Which rules a profile turns on.
 *
 * @param defaultPullPolicy   fill empty pull policies as Kubernetes defaults them
 * @param alwaysPull          force {@code Always} (AlwaysPullImages)
 * @param alwaysPullWorkloads force it on workload templates too, not only on pods (the in-tree
 *                            plugin acts on pods only, which every controller creates)
 * @param pinDigests          rewrite {@code image:tag} to {@code image:tag@sha256:…}
 * @param pinPodsOnly         pin Pods, never workload templates
 * @param warnLatest          warn about every container that runs {@code :latest} or no tag
 * @param checkPullSecrets    warn about named {@code imagePullSecrets} that do not exist
 * @param alwaysPullExempt    repositories {@code alwaysPull} leaves alone
 * @param pinExempt           repositories pinning leaves alone
 */
public record Rules(boolean defaultPullPolicy, boolean alwaysPull, boolean alwaysPullWorkloads, boolean pinDigests,
                    boolean pinPodsOnly, boolean warnLatest, boolean checkPullSecrets,
                    List<ImagePattern> alwaysPullExempt, List<ImagePattern> pinExempt) {

    public Rules {
        alwaysPullExempt = List.copyOf(alwaysPullExempt);
        pinExempt = List.copyOf(pinExempt);
    }

    /** Pull-policy rules only, enforced on pods. */
    public Rules(boolean defaultPullPolicy, boolean alwaysPull) {
        this(defaultPullPolicy, alwaysPull, false, false, false, false, false, List.of(), List.of());
    }

    /** Pull-policy rules enforced on pods, and pinning. */
    public Rules(boolean defaultPullPolicy, boolean alwaysPull, boolean pinDigests, boolean pinPodsOnly) {
        this(defaultPullPolicy, alwaysPull, false, pinDigests, pinPodsOnly, false, false, List.of(), List.of());
    }

    /** These rules, with {@code alwaysPull} enforced on workload templates too. */
    public Rules withAlwaysPullWorkloads() {
        return new Rules(defaultPullPolicy, alwaysPull, true, pinDigests, pinPodsOnly, warnLatest, checkPullSecrets,
                alwaysPullExempt, pinExempt);
    }

    /** These rules, with the given exemptions. */
    public Rules withExemptions(List<ImagePattern> fromAlwaysPull, List<ImagePattern> fromPinning) {
        return new Rules(defaultPullPolicy, alwaysPull, alwaysPullWorkloads, pinDigests, pinPodsOnly, warnLatest,
                checkPullSecrets, fromAlwaysPull, fromPinning);
    }

    /** Whether {@code alwaysPull} applies to objects of {@code kind}. */
    public boolean alwaysPull(GroupKind kind) {
        return alwaysPull && (alwaysPullWorkloads || PodSpecs.isPodLevel(kind));
    }

    /** The pattern exempting {@code reference} from {@code alwaysPull}, or {@code null}. */
    ImagePattern alwaysPullExemption(ImageReference reference) {
        return firstMatch(alwaysPullExempt, reference);
    }

    /** The pattern exempting {@code reference} from pinning, or {@code null}. */
    ImagePattern pinExemption(ImageReference reference) {
        return firstMatch(pinExempt, reference);
    }

    private static ImagePattern firstMatch(List<ImagePattern> patterns, ImageReference reference) {
        if (reference == null) {
            return null; // an image that does not parse is never exempt
        }
        for (ImagePattern pattern : patterns) {
            if (pattern.matches(reference)) {
                return pattern;
            }
        }
        return null;
    }

    public boolean any() {
        return defaultPullPolicy || alwaysPull || pinDigests || warnLatest || checkPullSecrets;
    }
}
