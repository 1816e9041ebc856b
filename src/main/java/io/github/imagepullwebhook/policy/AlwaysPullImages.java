package io.github.imagepullwebhook.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

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

    /** Forces {@code Always} on the site; records the change. */
    public static void apply(ImageSite site, List<Change> changes) {
        if (PullPolicy.ALWAYS.equals(site.pullPolicy())) {
            return;
        }
        String old = site.pullPolicy();
        site.setPullPolicy(PullPolicy.ALWAYS);
        changes.add(new Change(site.policyPath(), old, PullPolicy.ALWAYS, RULE, "images are always pulled in this namespace"));
    }

    /**
     * The in-tree plugin's validation errors, one per site whose policy is not {@code Always},
     * worded as Kubernetes words {@code field.NotSupported}.
     */
    public static List<String> violations(List<ImageSite> sites, Predicate<ImageSite> enforce) {
        List<String> errors = new ArrayList<>();
        for (ImageSite site : sites) {
            if (enforce.test(site) && !PullPolicy.ALWAYS.equals(site.pullPolicy())) {
                errors.add(site.policyPath() + ": Unsupported value: \"" + site.pullPolicy()
                        + "\": supported values: \"" + PullPolicy.ALWAYS + "\"");
            }
        }
        return errors;
    }
}
