package io.github.imagepullwebhook.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import io.github.imagepullwebhook.policy.EnforcementScope.SiteState;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The per-site UPDATE rule: sites matched by kind and name to the old object, never by image sets. */
class EnforcementScopeTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final GroupKind POD = new GroupKind("", "Pod");
    static final GroupKind DEPLOYMENT = new GroupKind("apps", "Deployment");

    @Test
    void createEnforcesEverySiteAndFixesNone() {
        JsonNode pod = pod("{\"containers\":[" + c("a", "x:1") + "],\"initContainers\":[" + c("i", "y:1") + "]}");
        EnforcementScope scope = EnforcementScope.everySite();
        assertThat(select(POD, pod, scope::enforces)).containsExactly("spec.initContainers[0]", "spec.containers[0]");
        assertThat(select(POD, pod, scope::policyFixed)).isEmpty();
        assertThat(scope.changesNoImage(POD, pod)).isFalse();
    }

    @Test
    void reorderingKeepsEveryImageOfItsName() {
        JsonNode old = pod("{\"containers\":[" + c("a", "x:1") + "," + c("b", "y:1") + "]}");
        JsonNode updated = pod("{\"containers\":[" + c("b", "y:1") + "," + c("a", "x:1") + "]}");
        assertThat(EnforcementScope.update(POD, old, false).changesNoImage(POD, updated)).isTrue();
    }

    @Test
    void swappedImagesAreChangedOnBothContainersWhatTheSetOfImagesHides() {
        JsonNode old = pod("{\"containers\":[" + c("a", "x:1") + "," + c("b", "y:1") + "]}");
        JsonNode swapped = pod("{\"containers\":[" + c("a", "y:1") + "," + c("b", "x:1") + "]}");
        EnforcementScope pod = EnforcementScope.update(POD, old, false);
        assertThat(states(POD, swapped, pod)).containsEntry("spec.containers[0]", SiteState.IMAGE_CHANGED)
                .containsEntry("spec.containers[1]", SiteState.IMAGE_CHANGED);
        assertThat(pod.changesNoImage(POD, swapped)).isFalse();
        assertThat(select(POD, swapped, pod::policyFixed)).as("an existing pod's policies cannot change")
                .containsExactly("spec.containers[0]", "spec.containers[1]");

        JsonNode oldTemplate = deployment(old.get("spec"));
        JsonNode swappedTemplate = deployment(swapped.get("spec"));
        EnforcementScope template = EnforcementScope.update(DEPLOYMENT, oldTemplate, false);
        assertThat(select(DEPLOYMENT, swappedTemplate, template::policyWritable)).as("a template's can")
                .containsExactly("spec.template.spec.containers[0]", "spec.template.spec.containers[1]");
        assertThat(select(DEPLOYMENT, swappedTemplate, template::policyFixed)).isEmpty();
    }

    @Test
    void aNewEphemeralContainerIsNewEvenWithAnImageThePodAlreadyNames() {
        JsonNode old = pod("{\"containers\":[" + c("app", "private/app:1") + "]}");
        JsonNode debugged = pod("{\"containers\":[" + c("app", "private/app:1") + "],\"ephemeralContainers\":["
                + c("debugger", "private/app:1") + "]}");
        EnforcementScope scope = EnforcementScope.update(POD, old, true);
        assertThat(select(POD, debugged, scope::enforces)).containsExactly("spec.ephemeralContainers[0]");
        assertThat(select(POD, debugged, scope::policyWritable)).containsExactly("spec.ephemeralContainers[0]");
    }

    @Test
    void theSubresourceEnforcesOnlyEphemeralContainers() {
        JsonNode old = pod("{\"containers\":[" + c("app", "x:1") + "]}");
        JsonNode changed = pod("{\"containers\":[" + c("app", "x:2") + "],\"ephemeralContainers\":["
                + c("debugger", "busybox:1") + "]}");
        EnforcementScope scope = EnforcementScope.update(POD, old, true);
        assertThat(select(POD, changed, scope::enforces)).containsExactly("spec.ephemeralContainers[0]");
    }

    @Test
    void aContainerMovedToAnotherListIsNewThere() {
        JsonNode old = deployment(parse("{\"initContainers\":[" + c("a", "x:1") + "]}"));
        JsonNode moved = deployment(parse("{\"containers\":[" + c("a", "x:1") + "]}"));
        EnforcementScope scope = EnforcementScope.update(DEPLOYMENT, old, false);
        assertThat(states(DEPLOYMENT, moved, scope)).containsEntry("spec.template.spec.containers[0]", SiteState.NEW);
    }

    @Test
    void aSiteWithoutANameNeverMatches() {
        JsonNode old = pod("{\"containers\":[{\"image\":\"x:1\"}]}");
        EnforcementScope scope = EnforcementScope.update(POD, old, false);
        assertThat(states(POD, old, scope)).containsEntry("spec.containers[0]", SiteState.NEW);
        assertThat(scope.changesNoImage(POD, old)).isFalse();
    }

    @Test
    void imageVolumesAreMatchedByVolumeName() {
        JsonNode old = pod("{\"containers\":[" + c("a", "x:1") + "],\"volumes\":[{\"name\":\"m\",\"image\":"
                + "{\"reference\":\"w:1\"}}]}");
        JsonNode changed = pod("{\"containers\":[" + c("a", "x:1") + "],\"volumes\":[{\"name\":\"m\",\"image\":"
                + "{\"reference\":\"w:2\"}}]}");
        EnforcementScope scope = EnforcementScope.update(POD, old, false);
        assertThat(scope.changesNoImage(POD, old)).isTrue();
        assertThat(select(POD, changed, scope::enforces)).containsExactly("spec.volumes[0].image");
    }

    @Test
    void anOldObjectThatIsNoObjectHasNoSites() {
        JsonNode updated = pod("{\"containers\":[" + c("a", "x:1") + "]}");
        EnforcementScope scope = EnforcementScope.update(POD, TextNode.valueOf("garbage"), false);
        assertThat(states(POD, updated, scope)).containsEntry("spec.containers[0]", SiteState.NEW);
    }

    @Test
    void theOlderEphemeralContainersShapeKeepsItsListAtTheRoot() {
        GroupKind kind = new GroupKind("", "EphemeralContainers");
        JsonNode old = parse("{\"kind\":\"EphemeralContainers\",\"ephemeralContainers\":[" + c("d1", "x:1") + "]}");
        JsonNode added = parse("{\"kind\":\"EphemeralContainers\",\"ephemeralContainers\":[" + c("d1", "x:1") + ","
                + c("d2", "x:1") + "]}");
        EnforcementScope scope = EnforcementScope.update(kind, old, true);
        assertThat(select(kind, added, scope::enforces)).containsExactly("ephemeralContainers[1]");
        assertThat(scope.fixesPolicies()).isTrue();
    }

    private static String c(String name, String image) {
        return "{\"name\":\"" + name + "\",\"image\":\"" + image + "\",\"imagePullPolicy\":\"IfNotPresent\"}";
    }

    private static JsonNode pod(String spec) {
        return parse("{\"kind\":\"Pod\",\"spec\":" + spec + "}");
    }

    private static JsonNode deployment(JsonNode podSpec) {
        return parse("{\"kind\":\"Deployment\",\"spec\":{\"template\":{\"spec\":" + podSpec + "}}}");
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> select(GroupKind kind, JsonNode object, Predicate<ImageSite> which) {
        return PodSpecs.sites(kind, object).stream().filter(which).map(ImageSite::fieldPath).toList();
    }

    private static Map<String, SiteState> states(GroupKind kind, JsonNode object, EnforcementScope scope) {
        return PodSpecs.sites(kind, object).stream().collect(Collectors.toMap(ImageSite::fieldPath, scope::state));
    }
}
