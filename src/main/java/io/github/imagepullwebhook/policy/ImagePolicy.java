package io.github.imagepullwebhook.policy;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.imagepullwebhook.image.ImagePattern;
import io.github.imagepullwebhook.image.ImageReference;
import io.github.imagepullwebhook.policy.DigestPinner.Candidate;
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
     * The changes the rules decide for {@code object}, warnings about its images, and the
     * images to pin (which need a registry, so the admission layer asks it).
     *
     * @param scope which sites the rules act on
     */
    public PolicyResult decide(GroupKind kind, JsonNode object, EnforcementScope scope) {
        List<Change> changes = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<String> exemptions = new ArrayList<>();
        List<Candidate> pins = new ArrayList<>();
        boolean alwaysPull = rules.alwaysPull(kind);
        boolean pinsObject = DigestPinner.pinsObject(kind, object, rules);
        PodSpecs.visit(kind, object, site -> {
            if (!scope.enforces(site)) {
                return;
            }
            warnAboutImage(site, warnings);
            boolean exempt = alwaysPull && noteExemption(site, rules.alwaysPullExemption(site.reference()),
                    AlwaysPullImages.RULE, exemptions);
            if (pinsObject && DigestPinner.pinnable(site)
                    && !noteExemption(site, rules.pinExemption(site.reference()), DigestPinner.RULE, exemptions)) {
                pins.add(new Candidate(site, site.reference()));
            }
            Change change = scope.policyWritable(site) ? decide(site, alwaysPull && !exempt) : null;
            if (change != null) {
                changes.add(change);
            }
        });
        return new PolicyResult(changes, warnings, exemptions, pins);
    }

    private Change decide(ImageSite site, boolean alwaysPull) {
        if (alwaysPull) {
            return AlwaysPullImages.decide(site);
        }
        return rules.defaultPullPolicy() ? PullPolicyDefaulter.decide(site) : null;
    }

    /** Records an exemption when {@code pattern} names the site's image; true when it did. */
    private static boolean noteExemption(ImageSite site, ImagePattern pattern, String rule, List<String> exemptions) {
        if (pattern != null) {
            exemptions.add(site.fieldPath() + " from " + rule + " (" + pattern.text() + ")");
        }
        return pattern != null;
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
        List<ImageSite> enforced = PodSpecs.sites(kind, object).stream()
                .filter(site -> rules.alwaysPullExemption(site.reference()) == null).toList();
        return AlwaysPullImages.violations(enforced, scope, fixedOnly);
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
