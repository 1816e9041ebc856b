package io.github.imagepullwebhook.policy;

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
 */
public record Rules(boolean defaultPullPolicy, boolean alwaysPull, boolean alwaysPullWorkloads, boolean pinDigests,
                    boolean pinPodsOnly, boolean warnLatest, boolean checkPullSecrets) {

    /** Pull-policy rules only, enforced on pods. */
    public Rules(boolean defaultPullPolicy, boolean alwaysPull) {
        this(defaultPullPolicy, alwaysPull, false, false, false, false, false);
    }

    /** Pull-policy rules enforced on pods, and pinning. */
    public Rules(boolean defaultPullPolicy, boolean alwaysPull, boolean pinDigests, boolean pinPodsOnly) {
        this(defaultPullPolicy, alwaysPull, false, pinDigests, pinPodsOnly, false, false);
    }

    /** These rules, with {@code alwaysPull} enforced on workload templates too. */
    public Rules withAlwaysPullWorkloads() {
        return new Rules(defaultPullPolicy, alwaysPull, true, pinDigests, pinPodsOnly, warnLatest, checkPullSecrets);
    }

    /** Whether {@code alwaysPull} applies to objects of {@code kind}. */
    public boolean alwaysPull(GroupKind kind) {
        return alwaysPull && (alwaysPullWorkloads || PodSpecs.isPodLevel(kind));
    }

    public boolean any() {
        return defaultPullPolicy || alwaysPull || pinDigests || warnLatest || checkPullSecrets;
    }
}
