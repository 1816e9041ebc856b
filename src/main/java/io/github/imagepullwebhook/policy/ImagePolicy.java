package io.github.imagepullwebhook.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies a profile's pull-policy rules to one object in one pass over its image sites, and
 * returns what they decide; the object is only read. With {@code alwaysPull} every enforced
 * site ends {@code Always}, so defaulting has nothing left to fill; without it, defaulting
 * fills empty policies.
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
        PodSpecs.visit(kind, object, site -> {
            if (!scope.enforces(site)) {
                return;
            }
            warnAboutImage(site, warnings);
            Change change = scope.policyWritable(site) ? decide(site) : null;
            if (change != null) {
                changes.add(change);
            }
        });
        return new PolicyResult(changes, warnings);
    }

    private Change decide(ImageSite site) {
        if (rules.alwaysPull()) {
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
        if (!rules.alwaysPull()) {
            return List.of();
        }
        return AlwaysPullImages.violations(PodSpecs.sites(kind, object), scope, fixedOnly);
    }

    private static void warnAboutImage(ImageSite site, List<String> warnings) {
        if (site.image() == null) {
            warnings.add(site.imagePath() + " is missing");
        } else if (site.parseError() != null) {
            warnings.add(site.imagePath() + " " + quote(site.image()) + " is not a valid image reference ("
                    + site.parseError() + "); the kubelet will refuse it");
        }
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
