package io.github.imagepullwebhook.policy;

import io.github.imagepullwebhook.image.ImageReference;

/**
 * Kubernetes' defaulting of {@code imagePullPolicy} ({@code SetDefaults_Container} and
 * {@code SetDefaults_ImageVolumeSource}): only when the policy is empty, {@code Always} for the
 * tag {@code latest} (assumed when the reference has neither tag nor digest), otherwise
 * {@code IfNotPresent}. A reference that does not parse is treated as having no tag, as
 * Kubernetes ignores the parse error.
 *
 * <p>The apiserver already defaults before admission, so for objects it sends this rule finds
 * nothing to do; it matters for objects that reach the webhook undefaulted (the offline
 * {@code mutate} command, tools that build reviews themselves).
 */
public final class PullPolicyDefaulter {

    public static final String RULE = "defaultPullPolicy";

    private PullPolicyDefaulter() {
    }

    /** The policy Kubernetes would default for {@code site}'s image. */
    public static String defaultFor(ImageSite site) {
        ImageReference reference = site.reference();
        boolean latest = reference != null && ImageReference.LATEST.equals(reference.effectiveTag());
        return latest ? PullPolicy.ALWAYS : PullPolicy.IF_NOT_PRESENT;
    }

    /** The change that fills an empty policy, or {@code null} when the site has one. */
    public static Change decide(ImageSite site) {
        if (!site.pullPolicy().isEmpty()) {
            return null;
        }
        String policy = defaultFor(site);
        return site.policyChange(policy, RULE, why(site, policy));
    }

    private static String why(ImageSite site, String policy) {
        if (site.reference() == null) {
            return "default; image has no parsable tag";
        }
        return PullPolicy.ALWAYS.equals(policy) ? "default for tag latest" : "default for a pinned tag or digest";
    }
}
