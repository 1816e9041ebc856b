package io.github.imagepullwebhook.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.github.imagepullwebhook.image.ImagePattern;
import io.github.imagepullwebhook.policy.Rules;
import java.util.List;
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
 * @param alwaysPullExempt  repositories {@code alwaysPull} leaves alone (see {@link ImagePattern})
 * @param pinExempt         repositories pinning leaves alone
 */
public record Profile(boolean defaultPullPolicy, boolean alwaysPull, Scope alwaysPullScope, boolean pinDigests,
                      PinScope pinScope, boolean warnLatest, boolean checkPullSecrets,
                      List<ImagePattern> alwaysPullExempt, List<ImagePattern> pinExempt) {

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

    public static final Profile DEFAULT = new Profile(true, false);

    public Profile {
        alwaysPullExempt = List.copyOf(alwaysPullExempt);
        pinExempt = List.copyOf(pinExempt);
    }

    /** Pull-policy rules only, with every other setting at its default. */
    public Profile(boolean defaultPullPolicy, boolean alwaysPull) {
        this(defaultPullPolicy, alwaysPull, Scope.PODS, false, PinScope.ALL, false, false, List.of(), List.of());
    }

    @JsonCreator
    static Profile of(@JsonProperty("defaultPullPolicy") Boolean defaultPullPolicy,
                      @JsonProperty("alwaysPull") Boolean alwaysPull,
                      @JsonProperty("alwaysPullScope") String alwaysPullScope,
                      @JsonProperty("pinDigests") Boolean pinDigests,
                      @JsonProperty("pinScope") String pinScope,
                      @JsonProperty("warnLatest") Boolean warnLatest,
                      @JsonProperty("checkPullSecrets") Boolean checkPullSecrets,
                      @JsonProperty("alwaysPullExempt") List<String> alwaysPullExempt,
                      @JsonProperty("pinExempt") List<String> pinExempt) {
        return new Profile(defaultPullPolicy == null ? DEFAULT.defaultPullPolicy : defaultPullPolicy,
                alwaysPull != null && alwaysPull,
                option(Scope.class, "alwaysPullScope", alwaysPullScope, DEFAULT.alwaysPullScope),
                pinDigests != null && pinDigests,
                option(PinScope.class, "pinScope", pinScope, DEFAULT.pinScope),
                warnLatest != null && warnLatest, checkPullSecrets != null && checkPullSecrets,
                patterns("alwaysPullExempt", alwaysPullExempt), patterns("pinExempt", pinExempt));
    }

    private static List<ImagePattern> patterns(String key, List<String> patterns) {
        if (patterns == null) {
            return List.of();
        }
        try {
            return patterns.stream().map(ImagePattern::parse).toList();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage());
        }
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
                pinScope == PinScope.PODS, warnLatest, checkPullSecrets, alwaysPullExempt, pinExempt);
    }

    /** Whether the profile acts on workload templates at all (the chart registers those kinds then). */
    public boolean actsOnTemplates() {
        return (alwaysPull && alwaysPullScope == Scope.WORKLOADS) || (pinDigests && pinScope == PinScope.ALL)
                || warnLatest || checkPullSecrets;
    }
}
