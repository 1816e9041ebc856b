package io.github.imagepullwebhook.policy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Applies a profile's rules to one object in one pass over its image sites. AlwaysPullImages
 * runs before defaulting so that an enforced site records one change ("forced Always"), and
 * defaulting only fills what enforcement left empty.
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
     * Mutates {@code object} (a copy the caller owns) in place.
     *
     * @param scope which sites the rules act on
     */
    public PolicyResult mutate(GroupKind kind, ObjectNode object, EnforcementScope scope) {
        return apply(visitor -> PodSpecs.visit(kind, object, visitor), scope);
    }

    /**
     * Mutates a reviewed object through its copy-on-write {@link MutableCopy}: the original is
     * left as sent, and only the sites the rules write are copied.
     *
     * @param scope which sites the rules act on
     */
    public PolicyResult mutate(MutableCopy copy, EnforcementScope scope) {
        return apply(visitor -> PodSpecs.visit(copy, visitor), scope);
    }

    private PolicyResult apply(Consumer<Consumer<ImageSite>> sites, EnforcementScope scope) {
        List<Change> changes = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        sites.accept(site -> {
            if (!scope.enforces(site)) {
                return;
            }
            warnAboutImage(site, warnings);
            if (!scope.policyWritable(site)) {
                return;
            }
            if (rules.alwaysPull()) {
                AlwaysPullImages.apply(site, changes);
            }
            if (rules.defaultPullPolicy()) {
                PullPolicyDefaulter.apply(site, changes);
            }
        });
        return new PolicyResult(changes, warnings);
    }

    /**
     * The validate step: every enforced site whose policy is not {@code Always}. The mutate step
     * asks it too, with {@code fixedOnly}, for the sites it cannot write (see {@link
     * EnforcementScope#policyFixed}): those can only be refused.
     */
    public List<String> violations(GroupKind kind, ObjectNode object, EnforcementScope scope, boolean fixedOnly) {
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
