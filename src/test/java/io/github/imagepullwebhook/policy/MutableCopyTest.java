package io.github.imagepullwebhook.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.imagepullwebhook.admission.Patch;
import io.github.imagepullwebhook.admission.PatchDiff;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The copy-on-write working copy: what it copies, what it shares, and what later visits see. */
class MutableCopyTest {

    private static final GroupKind DEPLOYMENT = new GroupKind("apps", "Deployment");
    private static final GroupKind POD = new GroupKind("", "Pod");

    private static ObjectNode json(String text) throws Exception {
        return (ObjectNode) new ObjectMapper().readTree(text.replace('\'', '"'));
    }

    private final ObjectNode deployment = json("""
            {'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata': {'name': 'web'},
             'spec': {'replicas': 2, 'template': {'metadata': {}, 'spec': {
               'containers': [
                 {'name': 'a', 'image': 'a:1', 'imagePullPolicy': 'Always', 'env': [{'name': 'X'}]},
                 {'name': 'b', 'image': 'b:1', 'imagePullPolicy': 'IfNotPresent', 'env': [{'name': 'Y'}]}]}}}}
            """);

    MutableCopyTest() throws Exception {
    }

    @Test
    void copiesOnlyTheWrittenSiteAndLeavesTheOriginalAsSent() {
        JsonNode before = deployment.deepCopy();
        MutableCopy copy = new MutableCopy(DEPLOYMENT, deployment);

        PodSpecs.visit(copy, site -> AlwaysPullImages.apply(site, new ArrayList<>()));

        assertThat(deployment).isEqualTo(before);
        assertThat(copy.sites()).extracting(MutableCopy.CopiedSite::pointer)
                .containsExactly("/spec/template/spec/containers/1"); // containers/0 already said Always
        ObjectNode root = copy.root();
        JsonNode containers = root.at("/spec/template/spec/containers");
        assertThat(containers.get(1).get("imagePullPolicy").asText()).isEqualTo("Always");
        assertThat(containers.get(0)).isSameAs(deployment.at("/spec/template/spec/containers/0"));
        assertThat(containers.get(1).get("env")).isSameAs(deployment.at("/spec/template/spec/containers/1/env"));
        assertThat(root.get("metadata")).isSameAs(deployment.get("metadata"));
        assertThat(root.at("/spec/template/spec")).isNotSameAs(deployment.at("/spec/template/spec"));
    }

    /** The patch's guard: a copy that differs anywhere but in a string image field is a bug, refused. */
    @Test
    void thePatchRefusesAnyWriteButAStringToAnImageField() {
        String container = "/spec/template/spec/containers/0";
        ObjectNode node = (ObjectNode) deployment.at(container);

        MutableCopy policyWritten = new MutableCopy(DEPLOYMENT, deployment);
        policyWritten.write(container, node).put("imagePullPolicy", "Never");
        assertThat(PatchDiff.diff(policyWritten).operations()).containsExactly(
                new Patch.Operation("replace", container + "/imagePullPolicy", "Never"));

        MutableCopy otherField = new MutableCopy(DEPLOYMENT, deployment);
        otherField.write(container, node).put("command", "sh");
        assertThatThrownBy(() -> PatchDiff.diff(otherField)).isInstanceOf(IllegalStateException.class)
                .hasMessage("refusing a patch that would add " + container + "/command");

        MutableCopy notAString = new MutableCopy(DEPLOYMENT, deployment);
        notAString.write(container, node).put("image", 7);
        assertThatThrownBy(() -> PatchDiff.diff(notAString)).hasMessage("refusing a patch that would replace "
                + container + "/image");

        MutableCopy removed = new MutableCopy(DEPLOYMENT, deployment);
        removed.write(container, node).remove("env");
        assertThatThrownBy(() -> PatchDiff.diff(removed)).hasMessage("refusing a patch that would remove "
                + container + "/env");
    }

    @Test
    void nothingWrittenNothingCopied() {
        MutableCopy copy = new MutableCopy(DEPLOYMENT, deployment);
        List<String> images = new ArrayList<>();

        PodSpecs.visit(copy, site -> images.add(site.image()));

        assertThat(images).containsExactly("a:1", "b:1");
        assertThat(copy.sites()).isEmpty();
        assertThat(copy.root()).isEqualTo(deployment);
    }

    @Test
    void aLaterVisitReadsAndWritesWhatAnEarlierOneWrote() {
        MutableCopy copy = new MutableCopy(DEPLOYMENT, deployment);
        PodSpecs.visit(copy, site -> site.setPullPolicy("Never"));
        List<String> seen = new ArrayList<>();

        PodSpecs.visit(copy, site -> {
            seen.add(site.pullPolicy());
            site.setImage(site.image() + "@sha256:0");
        });

        assertThat(seen).containsExactly("Never", "Never");
        assertThat(copy.sites()).hasSize(2);
        assertThat(copy.sites()).allSatisfy(site -> assertThat(site.copy().get("image").asText()).endsWith("@sha256:0"));
        assertThat(copy.sites()).allSatisfy(site -> assertThat(site.original().get("image").asText()).endsWith(":1"));
    }

    @Test
    void imageVolumesAreCopiedBelowTheirVolume() throws Exception {
        ObjectNode pod = json("""
                {'kind': 'Pod', 'spec': {'containers': [{'name': 'a', 'image': 'a:1', 'imagePullPolicy': 'Always'}],
                 'volumes': [{'name': 'cfg', 'configMap': {'name': 'c'}},
                             {'name': 'data', 'image': {'reference': 'data:1'}}]}}
                """);
        MutableCopy copy = new MutableCopy(POD, pod);

        PodSpecs.visit(copy, site -> {
            if (site.pullPolicy().isEmpty()) {
                site.setPullPolicy(PullPolicy.IF_NOT_PRESENT);
            }
        });

        assertThat(copy.sites()).extracting(MutableCopy.CopiedSite::pointer).containsExactly("/spec/volumes/1/image");
        ObjectNode root = copy.root();
        assertThat(root.at("/spec/volumes/1/image/pullPolicy").asText()).isEqualTo("IfNotPresent");
        assertThat(root.at("/spec/volumes/1/name").asText()).isEqualTo("data");
        assertThat(root.at("/spec/volumes/0")).isSameAs(pod.at("/spec/volumes/0"));
        assertThat(pod.at("/spec/volumes/1/image").has("pullPolicy")).isFalse();
    }
}
