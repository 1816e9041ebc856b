package io.github.imagepullwebhook.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.github.imagepullwebhook.policy.Rules;
import java.util.Locale;

/**
 * One policy profile, served at {@code /mutate/<name>} (and {@code /validate/<name>}). The
 * cluster admin scopes a profile to namespaces with the webhook entry's namespaceSelector.
 *
 * @param defaultPullPolicy fill empty pull policies as Kubernetes does
 * @param alwaysPull        force {@code Always} (AlwaysPullImages)
 * @param alwaysPullScope   where {@code alwaysPull} acts
 * @param pinDigests        pin tags to digests
 * @param pinScope          where pinning acts
 * @param warnLatest        warn about containers running {@code :latest} or no tag
 * @param checkPullSecrets  warn about named pull Secrets that do not exist
 */
public record Profile(boolean defaultPullPolicy, boolean alwaysPull, Scope alwaysPullScope, boolean pinDigests,
                      PinScope pinScope, boolean warnLatest, boolean checkPullSecrets) {

    /** Which objects {@code alwaysPull} touches. */
    public enum Scope {
        /** Pods only, as the in-tree plugin: every controller creates pods, and templates stay as written. */
        PODS,
        /** Pods and workload templates, for those who want {@code kubectl apply} to show the enforced policy. */
        WORKLOADS
    }

    /** Which objects pinning touches. */
    public enum PinScope {
        /** Pods and the templates of workloads that no controller owns. */
        ALL,
        /** Pods only, for GitOps users whose tools would see pinned workloads as drifted. */
        PODS
    }

    public static final Profile DEFAULT = new Profile(true, false, Scope.PODS, false, PinScope.ALL, false, false);

    /** Pull-policy rules only, with every other setting at its default. */
    public Profile(boolean defaultPullPolicy, boolean alwaysPull) {
        this(defaultPullPolicy, alwaysPull, Scope.PODS, false, PinScope.ALL, false, false);
    }

    @JsonCreator
    static Profile of(@JsonProperty("defaultPullPolicy") Boolean defaultPullPolicy,
                      @JsonProperty("alwaysPull") Boolean alwaysPull,
                      @JsonProperty("alwaysPullScope") String alwaysPullScope,
                      @JsonProperty("pinDigests") Boolean pinDigests,
                      @JsonProperty("pinScope") String pinScope,
                      @JsonProperty("warnLatest") Boolean warnLatest,
                      @JsonProperty("checkPullSecrets") Boolean checkPullSecrets) {
        return new Profile(defaultPullPolicy == null ? DEFAULT.defaultPullPolicy : defaultPullPolicy,
                alwaysPull != null && alwaysPull,
                option(Scope.class, "alwaysPullScope", alwaysPullScope, DEFAULT.alwaysPullScope),
                pinDigests != null && pinDigests,
                option(PinScope.class, "pinScope", pinScope, DEFAULT.pinScope),
                warnLatest != null && warnLatest, checkPullSecrets != null && checkPullSecrets);
    }

    /** An enum option spelled in lower case, as the chart and the documentation spell it. */
    private static <E extends Enum<E>> E option(Class<E> type, String key, String value, E fallback) {
        if (value == null) {
            return fallback;
        }
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            StringBuilder allowed = new StringBuilder();
            for (E constant : type.getEnumConstants()) {
                allowed.append(allowed.isEmpty() ? "" : " or ").append(constant.name().toLowerCase(Locale.ROOT));
            }
            throw new IllegalArgumentException(key + " must be " + allowed + ", was \"" + value + "\"");
        }
    }

    public Rules rules() {
        return new Rules(defaultPullPolicy, alwaysPull, alwaysPullScope == Scope.WORKLOADS, pinDigests,
                pinScope == PinScope.PODS, warnLatest, checkPullSecrets);
    }

    /** Whether the profile acts on workload templates at all (the chart registers those kinds then). */
    public boolean actsOnTemplates() {
        return (alwaysPull && alwaysPullScope == Scope.WORKLOADS) || (pinDigests && pinScope == PinScope.ALL)
                || warnLatest || checkPullSecrets;
    }
}
