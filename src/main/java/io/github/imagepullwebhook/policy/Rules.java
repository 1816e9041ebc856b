package io.github.imagepullwebhook.policy;

/**
 * Which rules a profile turns on.
 *
 * @param defaultPullPolicy fill empty pull policies as Kubernetes defaults them
 * @param alwaysPull        force {@code Always} (AlwaysPullImages)
 * @param pinDigests        rewrite {@code image:tag} to {@code image:tag@sha256:…}
 * @param pinPodsOnly       pin Pods, never workload templates
 */
public record Rules(boolean defaultPullPolicy, boolean alwaysPull, boolean pinDigests, boolean pinPodsOnly) {

    public Rules(boolean defaultPullPolicy, boolean alwaysPull) {
        this(defaultPullPolicy, alwaysPull, false, false);
    }

    public boolean any() {
        return defaultPullPolicy || alwaysPull || pinDigests;
    }
}
