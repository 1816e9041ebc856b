package io.github.imagepullwebhook.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which image sites of an object a rule may touch.
 *
 * <p>On CREATE every site. On UPDATE the in-tree AlwaysPullImages plugin compares the new
 * object's images with the <em>set</em> of the old object's images: an update that brings no
 * new image is left alone (so label edits on pods created before enforcement still work), one
 * that brings any new image is enforced on every container. The {@code ephemeralcontainers}
 * subresource ({@code kubectl debug}) may change nothing but ephemeral containers, so there
 * only the ephemeral containers that bring a new image are touched.
 */
public final class EnforcementScope {

    private EnforcementScope() {
    }

    public static Predicate<ImageSite> everySite() {
        return site -> true;
    }

    /** Ephemeral containers whose image the old object did not have. */
    public static Predicate<ImageSite> newEphemeralImages(Set<String> oldImages) {
        return site -> site.kind() == SiteKind.EPHEMERAL_CONTAINER && !oldImages.contains(site.image());
    }

    /** The set of every image string the object names, over all site kinds. */
    public static Set<String> images(GroupKind kind, JsonNode root) {
        Set<String> images = new HashSet<>();
        PodSpecs.visit(kind, root, site -> images.add(site.image()));
        return images;
    }

    /** True when every image of {@code updated} is already in {@code oldImages}. */
    public static boolean bringsNoNewImage(GroupKind kind, JsonNode updated, Set<String> oldImages) {
        return oldImages.containsAll(images(kind, updated));
    }
}
