package io.github.imagepullwebhook.policy;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.imagepullwebhook.image.ImageReference;
import java.util.ArrayList;
import java.util.List;

/**
 * Tag → digest pinning, as pure rules: which images to pin, and how the pinned image is
 * written: the user's string with the digest appended ({@code name:tag@sha256:…}, and {@code
 * name@sha256:…} for an untagged reference, which names {@code latest}), so the name and tag stay
 * as the user wrote them. Asking registries is the admission layer's job; this class never does
 * I/O.
 */
public final class DigestPinner {

    public static final String RULE = "pinDigests";

    /** A container whose image should be pinned. */
    public record Candidate(ImageSite site, ImageReference reference) {
    }

    private DigestPinner() {
    }

    /**
     * Whether this object may be pinned at all. Pods always (they are leaves). A template owned
     * by a controller never: its parent's template was pinned, and pinning the child makes the
     * parent see a different template and create another child, without end. With
     * {@code pinPodsOnly}, templates never.
     */
    public static boolean pinsObject(GroupKind kind, JsonNode object, Rules rules) {
        if (!rules.pinDigests()) {
            return false;
        }
        if (PodSpecs.isPod(kind)) {
            return true;
        }
        if (PodSpecs.isPodLevel(kind)) {
            // The pre-1.22 EphemeralContainers object carries no pod spec: the pull Secrets and
            // ServiceAccount the kubelet would use are unknown, so nothing is resolved for it.
            return false;
        }
        if (rules.pinPodsOnly()) {
            return false;
        }
        for (JsonNode owner : object.path("metadata").path("ownerReferences")) {
            if (owner.path("controller").asBoolean(false)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Sites (containers of every kind, and image volumes) with a parsable image without digest,
     * not exempt from pinning, that the scope enforces: new, or
     * with a changed image (on UPDATE an unchanged image is never re-resolved: a label edit must
     * not roll a workload to a newer digest). A pod's image may change where its pull policy may
     * not, so the image of a fixed site is pinned too.
     */
    public static List<Candidate> candidates(GroupKind kind, JsonNode object, EnforcementScope scope, Rules rules) {
        List<Candidate> candidates = new ArrayList<>();
        PodSpecs.visit(kind, object, site -> {
            if (scope.enforces(site) && pinnable(site) && rules.pinExemption(site.reference()) == null) {
                candidates.add(new Candidate(site, site.reference()));
            }
        });
        return candidates;
    }

    /** A parsable image without a digest (exemptions aside). */
    static boolean pinnable(ImageSite site) {
        return site.reference() != null && !site.reference().hasDigest();
    }

    /** The change that writes the pinned image into the candidate's site. */
    public static Change decide(Candidate candidate, String digest) {
        return candidate.site().imageChange(candidate.reference().withDigest(digest), RULE,
                "pinned to the digest the tag points at");
    }
}
