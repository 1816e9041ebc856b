package io.github.imagepullwebhook.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Where each supported kind keeps its pod spec, and the one visitor over the image sites of a
 * pod spec. Every rule walks containers through here, so adding a kind or a container list is
 * a one-line change that every rule (and the validate step) picks up at once.
 */
public final class PodSpecs {

    private static final String TEMPLATE_SPEC = "spec.template.spec";

    /** Kind → path of its pod spec, dotted as Kubernetes writes field paths. */
    private static final Map<GroupKind, String> LOCATIONS = Map.ofEntries(
            Map.entry(new GroupKind("", "Pod"), "spec"),
            Map.entry(new GroupKind("", "PodTemplate"), "template.spec"),
            Map.entry(new GroupKind("", "ReplicationController"), TEMPLATE_SPEC),
            Map.entry(new GroupKind("apps", "Deployment"), TEMPLATE_SPEC),
            Map.entry(new GroupKind("apps", "StatefulSet"), TEMPLATE_SPEC),
            Map.entry(new GroupKind("apps", "DaemonSet"), TEMPLATE_SPEC),
            Map.entry(new GroupKind("apps", "ReplicaSet"), TEMPLATE_SPEC),
            Map.entry(new GroupKind("batch", "Job"), TEMPLATE_SPEC),
            Map.entry(new GroupKind("batch", "CronJob"), "spec.jobTemplate.spec.template.spec"),
            // The ephemeralcontainers subresource before Kubernetes 1.22: its object is not a Pod
            // but {kind: EphemeralContainers, metadata, ephemeralContainers: [...]}.
            Map.entry(new GroupKind("", "EphemeralContainers"), ""));

    /** The same locations with their JSON pointers. */
    private static final Map<GroupKind, SpecLocation> SPEC_LOCATIONS = LOCATIONS.entrySet().stream().collect(
            Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> SpecLocation.of(e.getValue())));

    private static final GroupKind POD = new GroupKind("", "Pod");
    private static final GroupKind EPHEMERAL_CONTAINERS = new GroupKind("", "EphemeralContainers");

    private PodSpecs() {
    }

    /** True for the kinds this webhook understands. */
    public static boolean supports(GroupKind kind) {
        return LOCATIONS.containsKey(kind);
    }

    public static boolean isPod(GroupKind kind) {
        return POD.equals(kind);
    }

    /**
     * True for objects whose containers belong to a pod that exists once stored: a Pod, or the
     * older {@code EphemeralContainers} shape of a pod's ephemeral containers. Their containers'
     * pull policies cannot change after creation, unlike a template's.
     */
    public static boolean isPodLevel(GroupKind kind) {
        return POD.equals(kind) || EPHEMERAL_CONTAINERS.equals(kind);
    }

    public static Set<GroupKind> supportedKinds() {
        return LOCATIONS.keySet();
    }

    /** Dotted path of the kind's pod spec, e.g. {@code spec.template.spec}. */
    public static Optional<String> specPath(GroupKind kind) {
        return Optional.ofNullable(LOCATIONS.get(kind));
    }

    /**
     * Visits every image site of {@code root}'s pod spec: init containers, containers,
     * ephemeral containers, then image volumes. A kind without a pod spec, or an object whose
     * spec is missing or malformed, has no sites.
     */
    public static void visit(GroupKind kind, JsonNode root, Consumer<ImageSite> visitor) {
        Optional<ObjectNode> spec = spec(kind, root);
        if (spec.isEmpty()) {
            return;
        }
        SpecLocation location = SPEC_LOCATIONS.get(kind);
        for (SiteKind siteKind : SiteKind.values()) {
            visitList(spec.get(), location, siteKind, visitor);
        }
    }

    /** The pod spec of {@code root}, when the kind has one and the object holds it as an object. */
    public static Optional<ObjectNode> spec(GroupKind kind, JsonNode root) {
        SpecLocation location = SPEC_LOCATIONS.get(kind);
        if (location == null || root == null) {
            return Optional.empty();
        }
        JsonNode spec = root.at(location.pointer());
        return spec instanceof ObjectNode object ? Optional.of(object) : Optional.empty();
    }

    /** All image sites of {@code root}, in visiting order. */
    public static List<ImageSite> sites(GroupKind kind, JsonNode root) {
        List<ImageSite> sites = new ArrayList<>();
        visit(kind, root, sites::add);
        return sites;
    }

    private static void visitList(ObjectNode spec, SpecLocation location, SiteKind siteKind, Consumer<ImageSite> visitor) {
        JsonNode list = spec.get(siteKind.listField());
        if (list == null || !list.isArray()) {
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            JsonNode element = list.get(i);
            JsonNode name = element.get("name");
            if (siteKind == SiteKind.IMAGE_VOLUME) {
                element = element.get("image");
            }
            if (element instanceof ObjectNode object) {
                visitor.accept(new ImageSite(siteKind, name != null && name.isTextual() ? name.textValue() : null,
                        object, location, i));
            }
        }
    }
}
