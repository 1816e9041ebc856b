package io.github.imagepullwebhook.policy;

/**
 * Which rules a profile turns on.
 *
 * @param defaultPullPolicy fill empty pull policies as Kubernetes defaults them
 * @param alwaysPull        force {@code Always} (AlwaysPullImages)
 */
public record Rules(boolean defaultPullPolicy, boolean alwaysPull) {

    public boolean any() {
        return defaultPullPolicy || alwaysPull;
    }
}
