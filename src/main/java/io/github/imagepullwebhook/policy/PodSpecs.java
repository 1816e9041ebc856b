package io.github.imagepullwebhook.policy;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

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
            Map.entry(new GroupKind("batch", "CronJob"), "spec.jobTemplate.spec.template.spec"));

    private static final GroupKind POD = new GroupKind("", "Pod");

    private PodSpecs() {
    }

    /** True for the kinds this webhook understands. */
    public static boolean supports(GroupKind kind) {
        return LOCATIONS.containsKey(kind);
    }

    public static boolean isPod(GroupKind kind) {
        return POD.equals(kind);
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
        spec(kind, root).ifPresent(spec -> {
            for (SiteKind siteKind : SiteKind.values()) {
                visitList(spec, LOCATIONS.get(kind), siteKind, visitor);
            }
        });
    }

    /** The pod spec of {@code root}, when the kind has one and the object holds it as an object. */
    public static Optional<ObjectNode> spec(GroupKind kind, JsonNode root) {
        String path = LOCATIONS.get(kind);
        if (path == null || root == null) {
            return Optional.empty();
        }
        JsonNode spec = root.at(JsonPointer.compile("/" + path.replace('.', '/')));
        return spec instanceof ObjectNode object ? Optional.of(object) : Optional.empty();
    }

    /**
     * A copy of {@code root} for the rules to change: the pod spec is deep-copied, the objects
     * on the path to it are shallow copies, and everything else (metadata, managedFields,
     * status) is shared with {@code root}. Rules reach images only through {@link #visit}, which
     * never leaves the pod spec, so the shared parts are never written; and diffing
     * {@code root} against the copy skips them at once, because they are the same instances.
     */
    public static ObjectNode copyForMutation(GroupKind kind, ObjectNode root) {
        String path = LOCATIONS.get(kind);
        if (path == null) {
            return root.deepCopy();
        }
        ObjectNode copy = shallowCopy(root);
        ObjectNode parent = copy;
        String[] fields = path.split("\\.");
        for (int i = 0; i < fields.length; i++) {
            if (!(parent.get(fields[i]) instanceof ObjectNode child)) {
                return copy; // no pod spec: nothing below will be visited
            }
            ObjectNode childCopy = i == fields.length - 1 ? child.deepCopy() : shallowCopy(child);
            parent.set(fields[i], childCopy);
            parent = childCopy;
        }
        return copy;
    }

    private static ObjectNode shallowCopy(ObjectNode node) {
        ObjectNode copy = node.objectNode();
        copy.setAll(node);
        return copy;
    }

    /** All image sites of {@code root}, in visiting order. */
    public static List<ImageSite> sites(GroupKind kind, JsonNode root) {
        List<ImageSite> sites = new ArrayList<>();
        visit(kind, root, sites::add);
        return sites;
    }

    private static void visitList(ObjectNode spec, String specPath, SiteKind siteKind, Consumer<ImageSite> visitor) {
        JsonNode list = spec.get(siteKind.listField());
        if (list == null || !list.isArray()) {
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            String path = specPath + "." + siteKind.listField() + "[" + i + "]";
            JsonNode element = list.get(i);
            if (siteKind == SiteKind.IMAGE_VOLUME) {
                element = element.get("image");
                path = path + ".image";
            }
            if (element instanceof ObjectNode object) {
                visitor.accept(new ImageSite(siteKind, object, path));
            }
        }
    }
}
