package io.github.imagepullwebhook.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * The AlwaysPullImages rule, as Kubernetes' in-tree admission plugin applies it.
 *
 * <p>Why it exists: once one tenant's credentials have pulled a private image onto a node, any
 * pod on that node with {@code IfNotPresent} or {@code Never} can start a container from it
 * without credentials of its own. Forcing {@code Always} makes the kubelet ask the registry, and
 * so check the pod's own credentials, on every start. The mutate step forces the policy; the
 * validate step refuses objects whose policy was changed back afterwards (for example by a
 * later mutating webhook), naming every offending field.
 */
public final class AlwaysPullImages {

    public static final String RULE = "alwaysPull";

    private AlwaysPullImages() {
    }

    /** The change to {@code Always}, or {@code null} when the site pulls {@code Always} already. */
    public static Change decide(ImageSite site) {
        if (PullPolicy.ALWAYS.equals(site.pullPolicy())) {
            return null;
        }
        return site.policyChange(PullPolicy.ALWAYS, RULE, "images are always pulled in this namespace");
    }

    /**
     * The validation errors, one per enforced site whose policy is not {@code Always}. A site
     * whose policy can be written is worded as the in-tree plugin words it ({@code
     * field.NotSupported}); a container of an existing pod, whose policy cannot change, gets
     * {@code field.Forbidden} with what to do instead.
     *
     * @param fixedOnly only the sites whose policy cannot be written
     */
    public static List<String> violations(List<ImageSite> sites, EnforcementScope scope, boolean fixedOnly) {
        List<String> errors = new ArrayList<>();
        for (ImageSite site : sites) {
            if (!scope.enforces(site) || PullPolicy.ALWAYS.equals(site.pullPolicy())) {
                continue;
            }
            if (scope.policyFixed(site)) {
                errors.add(site.policyPath() + ": Forbidden: the image of container " + ImagePolicy.quote(
                        String.valueOf(site.name())) + " changed, and the pull policy of an existing pod's container "
                        + "cannot change from \"" + site.pullPolicy() + "\" to \"" + PullPolicy.ALWAYS
                        + "\"; delete the pod and create it again (or let its controller replace it)");
            } else if (!fixedOnly) {
                errors.add(site.policyPath() + ": Unsupported value: \"" + site.pullPolicy()
                        + "\": supported values: \"" + PullPolicy.ALWAYS + "\"");
            }
        }
        return errors;
    }
}
