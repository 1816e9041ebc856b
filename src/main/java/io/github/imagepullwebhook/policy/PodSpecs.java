package io.github.imagepullwebhook.policy;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
            Map.entry(new GroupKind("batch", "CronJob"), "spec.jobTemplate.spec.template.spec"));

    /** The same locations as JSON pointers, compiled once: {@link #spec} runs on every review. */
    private static final Map<GroupKind, JsonPointer> POINTERS = LOCATIONS.entrySet().stream().collect(
            Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> JsonPointer.compile("/" + e.getValue().replace('.', '/'))));

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
        JsonPointer pointer = POINTERS.get(kind);
        if (pointer == null || root == null) {
            return Optional.empty();
        }
        JsonNode spec = root.at(pointer);
        return spec instanceof ObjectNode object ? Optional.of(object) : Optional.empty();
    }

    /**
     * A copy of {@code root} for the rules to change, copied only where a rule can write. Rules
     * reach images only through {@link #visit}, and an {@link ImageSite} writes only the fields
     * of its own node (a container, or a volume's {@code image}). So the copy shares everything
     * else with {@code root} — metadata, managedFields, env, resources, the rest of each
     * container — and holds fresh objects only on the path to the pod spec, for the site lists,
     * and for the site nodes themselves. Diffing {@code root} against the copy then skips every
     * shared part at once, because it is the same instance on both sides.
     */
    public static MutableCopy copyForMutation(GroupKind kind, ObjectNode root) {
        String path = LOCATIONS.get(kind);
        if (path == null) {
            return new MutableCopy(root.deepCopy(), List.of()); // no pod spec: no site, nothing changes
        }
        ObjectNode copy = shallowCopy(root);
        ObjectNode parent = copy;
        for (String field : path.split("\\.")) {
            if (!(parent.get(field) instanceof ObjectNode child)) {
                return new MutableCopy(copy, List.of()); // no pod spec: nothing below will be visited
            }
            ObjectNode childCopy = shallowCopy(child);
            parent.set(field, childCopy);
            parent = childCopy;
        }
        String specPointer = POINTERS.get(kind).toString();
        List<MutableCopy.CopiedSite> sites = new ArrayList<>();
        for (SiteKind siteKind : SiteKind.values()) {
            if (parent.get(siteKind.listField()) instanceof ArrayNode list) {
                String listPointer = specPointer + "/" + siteKind.listField() + "/";
                parent.set(siteKind.listField(), copySites(list, siteKind, listPointer, sites));
            }
        }
        return new MutableCopy(copy, sites);
    }

    /** The list with each element that can hold a site replaced by a shallow copy. */
    private static ArrayNode copySites(ArrayNode list, SiteKind siteKind, String listPointer,
            List<MutableCopy.CopiedSite> sites) {
        ArrayNode copy = list.arrayNode(list.size());
        for (int i = 0; i < list.size(); i++) {
            JsonNode element = list.get(i);
            if (!(element instanceof ObjectNode object)) {
                copy.add(element);
            } else if (siteKind != SiteKind.IMAGE_VOLUME) {
                copy.add(copySite(object, listPointer + i, sites));
            } else if (object.get("image") instanceof ObjectNode source) {
                ObjectNode volume = shallowCopy(object);
                volume.set("image", copySite(source, listPointer + i + "/image", sites));
                copy.add(volume);
            } else {
                copy.add(object); // not an image volume: no site, nothing to write
            }
        }
        return copy;
    }

    private static ObjectNode copySite(ObjectNode original, String pointer, List<MutableCopy.CopiedSite> sites) {
        ObjectNode copy = shallowCopy(original);
        sites.add(new MutableCopy.CopiedSite(pointer, original, copy));
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
