package io.github.imagepullwebhook.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Which image sites of an object the rules act on, decided per site.
 *
 * <p>On CREATE every site is new. On UPDATE each container, init container, ephemeral
 * container and image volume is matched <em>by name</em> (within its kind of list) to the old
 * object: a site that is new, or whose image changed, is enforced; a site that keeps its old
 * image is left alone, so label edits on pods created before enforcement keep working.
 *
 * <p>The in-tree AlwaysPullImages plugin compares the new object's images with the
 * <em>set</em> of the old object's images instead. A tenant can game that: an ephemeral
 * container ({@code kubectl debug}) naming an image another container of the pod already names
 * is "nothing new", and so is swapping the images of two containers, which hands the image of
 * an {@code Always} container to an {@code IfNotPresent} one. Matching by name closes both.
 *
 * <p>The pull policy of a container of an existing pod cannot change (only its image may), so
 * a site of a pod that existed before the update and changed its image is <em>fixed</em>: the
 * rules cannot set {@code Always} there, and enforcement refuses the update instead. On the
 * {@code ephemeralcontainers} subresource only ephemeral containers may change, so only they
 * are in scope.
 */
public final class EnforcementScope {

    /** How a site relates to the old object. */
    public enum SiteState {
        /** No site of the same kind and name in the old object (or no old object). */
        NEW,
        /** The old object's site of the same kind and name names another image. */
        IMAGE_CHANGED,
        /** The old object's site of the same kind and name names the same image. */
        UNCHANGED
    }

    private record SiteKey(SiteKind kind, String name) {
    }

    private static final EnforcementScope CREATE = new EnforcementScope(null, false, false);

    /** The old object's images by site; {@code null} when every site is new. */
    private final Map<SiteKey, String> oldImages;
    /** Sites that existed in the old object belong to a pod: their pull policy cannot change. */
    private final boolean podLevel;
    /** The {@code ephemeralcontainers} subresource: nothing but ephemeral containers may change. */
    private final boolean ephemeralOnly;

    private EnforcementScope(Map<SiteKey, String> oldImages, boolean podLevel, boolean ephemeralOnly) {
        this.oldImages = oldImages;
        this.podLevel = podLevel;
        this.ephemeralOnly = ephemeralOnly;
    }

    /** Every site is new: a CREATE, an offline manifest, or an UPDATE that carries no old object. */
    public static EnforcementScope everySite() {
        return CREATE;
    }

    /**
     * The scope of an UPDATE of an object of {@code kind} from {@code oldObject}. An old object
     * that is not an object has no sites, so every site counts as new.
     *
     * @param ephemeralContainers whether the review is of the {@code ephemeralcontainers} subresource
     */
    public static EnforcementScope update(GroupKind kind, JsonNode oldObject, boolean ephemeralContainers) {
        Map<SiteKey, String> images = new HashMap<>();
        PodSpecs.visit(kind, oldObject, site -> images.putIfAbsent(new SiteKey(site.kind(), site.name()), site.image()));
        return new EnforcementScope(images, PodSpecs.isPodLevel(kind), ephemeralContainers);
    }

    /** How {@code site} relates to the old object. A site without a name never matches one. */
    public SiteState state(ImageSite site) {
        if (oldImages == null || site.name() == null) {
            return SiteState.NEW;
        }
        SiteKey key = new SiteKey(site.kind(), site.name());
        if (!oldImages.containsKey(key)) {
            return SiteState.NEW;
        }
        return Objects.equals(oldImages.get(key), site.image()) ? SiteState.UNCHANGED : SiteState.IMAGE_CHANGED;
    }

    /** Whether the rules act on {@code site}: it is new or changed its image, where it may change. */
    public boolean enforces(ImageSite site) {
        if (ephemeralOnly && site.kind() != SiteKind.EPHEMERAL_CONTAINER) {
            return false;
        }
        return state(site) != SiteState.UNCHANGED;
    }

    /**
     * Whether {@code site} is enforced but its pull policy cannot be written: a container of an
     * existing pod whose image changed.
     */
    public boolean policyFixed(ImageSite site) {
        return podLevel && enforces(site) && state(site) == SiteState.IMAGE_CHANGED;
    }

    /** Whether any site can be {@link #policyFixed}: an UPDATE of a pod's containers. */
    public boolean fixesPolicies() {
        return podLevel;
    }

    /** Whether the rules may write {@code site}'s pull policy. */
    public boolean policyWritable(ImageSite site) {
        return enforces(site) && !policyFixed(site);
    }

    /** True when no site of {@code object} is enforced: an update that changes no image. */
    public boolean changesNoImage(GroupKind kind, JsonNode object) {
        if (oldImages == null) {
            return false;
        }
        boolean[] any = {false};
        PodSpecs.visit(kind, object, site -> any[0] |= enforces(site));
        return !any[0];
    }
}
