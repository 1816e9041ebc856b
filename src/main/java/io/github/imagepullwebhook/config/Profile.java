package io.github.imagepullwebhook.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.github.imagepullwebhook.policy.Rules;

/**
 * One policy profile, served at {@code /mutate/<name>} (and {@code /validate/<name>}). The
 * cluster admin scopes a profile to namespaces with the webhook entry's namespaceSelector.
 */
public record Profile(boolean defaultPullPolicy, boolean alwaysPull, boolean pinDigests, PinScope pinScope) {

    /** Which objects pinning touches. */
    public enum PinScope {
        /** Pods and the templates of workloads that no controller owns. */
        ALL,
        /** Pods only, for GitOps users whose tools would see pinned workloads as drifted. */
        PODS
    }

    public static final Profile DEFAULT = new Profile(true, false, false, PinScope.ALL);

    /** Without pinning, as most tests and profiles use it. */
    public Profile(boolean defaultPullPolicy, boolean alwaysPull) {
        this(defaultPullPolicy, alwaysPull, false, PinScope.ALL);
    }

    @JsonCreator
    static Profile of(@JsonProperty("defaultPullPolicy") Boolean defaultPullPolicy,
                      @JsonProperty("alwaysPull") Boolean alwaysPull,
                      @JsonProperty("pinDigests") Boolean pinDigests,
                      @JsonProperty("pinScope") String pinScope) {
        PinScope scope;
        try {
            scope = pinScope == null ? PinScope.ALL : PinScope.valueOf(pinScope.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("pinScope must be all or pods, was \"" + pinScope + "\"");
        }
        return new Profile(defaultPullPolicy == null ? DEFAULT.defaultPullPolicy : defaultPullPolicy,
                alwaysPull == null ? DEFAULT.alwaysPull : alwaysPull, pinDigests != null && pinDigests, scope);
    }

    public Rules rules() {
        return new Rules(defaultPullPolicy, alwaysPull, pinDigests, pinScope == PinScope.PODS);
    }
}
