package io.github.imagepullwebhook.policy;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.imagepullwebhook.image.ImageReference;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies a profile's pull-policy rules to one object in one pass over its image sites, and
 * returns what they decide and what to warn about; the object is only read. Where {@code
 * alwaysPull} applies (pods; templates too with the workloads scope) every enforced site ends
 * {@code Always}, so defaulting has nothing left to fill; elsewhere defaulting fills empty
 * policies.
 */
public final class ImagePolicy {

    /** Longest image string quoted in a warning; kubectl prints warnings on one line. */
    static final int MAX_QUOTED_IMAGE = 60;

    private final Rules rules;

    public ImagePolicy(Rules rules) {
        this.rules = rules;
    }

    public Rules rules() {
        return rules;
    }

    /**
     * The changes the rules decide for {@code object}, and warnings about its images.
     *
     * @param scope which sites the rules act on
     */
    public PolicyResult decide(GroupKind kind, JsonNode object, EnforcementScope scope) {
        List<Change> changes = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        boolean alwaysPull = rules.alwaysPull(kind);
        PodSpecs.visit(kind, object, site -> {
            if (!scope.enforces(site)) {
                return;
            }
            warnAboutImage(site, warnings);
            Change change = scope.policyWritable(site) ? decide(site, alwaysPull) : null;
            if (change != null) {
                changes.add(change);
            }
        });
        return new PolicyResult(changes, warnings);
    }

    private Change decide(ImageSite site, boolean alwaysPull) {
        if (alwaysPull) {
            return AlwaysPullImages.decide(site);
        }
        return rules.defaultPullPolicy() ? PullPolicyDefaulter.decide(site) : null;
    }

    /**
     * The validate step: every enforced site whose policy is not {@code Always}. The mutate step
     * asks it too, with {@code fixedOnly}, for the sites it cannot write (see {@link
     * EnforcementScope#policyFixed}): those can only be refused.
     */
    public List<String> violations(GroupKind kind, JsonNode object, EnforcementScope scope, boolean fixedOnly) {
        if (!rules.alwaysPull(kind)) {
            return List.of();
        }
        return AlwaysPullImages.violations(PodSpecs.sites(kind, object), scope, fixedOnly);
    }

    private void warnAboutImage(ImageSite site, List<String> warnings) {
        if (site.image() == null) {
            warnings.add(site.imagePath() + " is missing");
        } else if (site.parseError() != null) {
            warnings.add(site.imagePath() + " " + quote(site.image()) + " is not a valid image reference ("
                    + site.parseError() + "); the kubelet will refuse it");
        } else if (rules.warnLatest() && runsLatest(site.reference())) {
            warnings.add(site.imagePath() + " " + quote(site.image()) + (site.reference().hasTag() ? " uses the tag"
                    : " has no tag, so it uses") + " latest, which moves: name a version (or a digest) in production");
        }
    }

    /** A reference whose bytes follow {@code latest}: the tag {@code latest}, or none, and no digest. */
    private static boolean runsLatest(ImageReference reference) {
        return !reference.hasDigest() && ImageReference.LATEST.equals(reference.effectiveTag());
    }

    /**
     * Quotes an image for a message: control characters replaced (warnings travel in HTTP
     * headers) and shortened so a hostile 10,000-character name stays readable.
     */
    public static String quote(String image) {
        String shown = image.length() <= MAX_QUOTED_IMAGE ? image : image.substring(0, MAX_QUOTED_IMAGE);
        StringBuilder quoted = new StringBuilder("\"");
        shown.codePoints().forEach(c -> quoted.appendCodePoint(c < 0x20 || c == 0x7f || c > 0x7e ? '?' : c));
        quoted.append('"');
        if (shown.length() < image.length()) {
            quoted.append("... (").append(image.length()).append(" characters)");
        }
        return quoted.toString();
    }
}
