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
        assertThat(copy.sites()).extracting(MutableCopy.WrittenSite::pointer)
                .containsExactly("/spec/template/spec/containers/1"); // containers/0 already said Always
        ObjectNode root = copy.root();
        JsonNode containers = root.at("/spec/template/spec/containers");
        assertThat(containers.get(1).get("imagePullPolicy").asText()).isEqualTo("Always");
        assertThat(containers.get(0)).isSameAs(deployment.at("/spec/template/spec/containers/0"));
        assertThat(containers.get(1).get("env")).isSameAs(deployment.at("/spec/template/spec/containers/1/env"));
        assertThat(root.get("metadata")).isSameAs(deployment.get("metadata"));
        assertThat(root.at("/spec/template/spec")).isNotSameAs(deployment.at("/spec/template/spec"));
    }

    /**
     * The patch's guard: a write to any field but an image field is a bug, refused. (A copy
     * holds only strings set on fields, so a non-string value or a removal cannot be written.)
     */
    @Test
    void thePatchRefusesAWriteToAnyFieldButAnImageField() {
        String container = "/spec/template/spec/containers/0";
        ObjectNode node = (ObjectNode) deployment.at(container);

        MutableCopy policyWritten = new MutableCopy(DEPLOYMENT, deployment);
        policyWritten.writable(SiteKind.CONTAINER, 0, container, node).set("imagePullPolicy", "Never");
        assertThat(PatchDiff.diff(policyWritten).operations()).containsExactly(
                new Patch.Operation("replace", container + "/imagePullPolicy", "Never"));

        MutableCopy otherField = new MutableCopy(DEPLOYMENT, deployment);
        otherField.writable(SiteKind.CONTAINER, 0, container, node).set("command", "sh");
        assertThatThrownBy(() -> PatchDiff.diff(otherField)).isInstanceOf(IllegalStateException.class)
                .hasMessage("refusing a patch that would add " + container + "/command");
    }

    /** A field set to the value it already had is no operation, and one set twice holds the last value. */
    @Test
    void theDiffComparesWithTheOriginalValue() {
        String container = "/spec/template/spec/containers/0";
        ObjectNode node = (ObjectNode) deployment.at(container);
        MutableCopy copy = new MutableCopy(DEPLOYMENT, deployment);
        MutableCopy.WrittenSite site = copy.writable(SiteKind.CONTAINER, 0, container, node);

        site.set("imagePullPolicy", "Always"); // as sent
        site.set("image", "a:2");
        site.set("image", "a:3");

        assertThat(PatchDiff.diff(copy).operations()).containsExactly(
                new Patch.Operation("replace", container + "/image", "a:3"));
        assertThat(copy.root().at(container + "/image").asText()).isEqualTo("a:3");
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

    /** Writes are found again by position, however many sites a list has and in whatever order they were written. */
    @Test
    void aLaterVisitFindsEveryWrittenSiteOfALongList() throws Exception {
        StringBuilder containers = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            containers.append(i == 0 ? "" : ",").append("{'name': 'c").append(i).append("', 'image': 'c:").append(i).append("'}");
        }
        ObjectNode pod = json("{'kind': 'Pod', 'spec': {'containers': [" + containers + "]}}");
        MutableCopy copy = new MutableCopy(POD, pod);
        PodSpecs.visit(copy, site -> {
            if (site.image().endsWith("7") || site.image().endsWith("0")) {
                site.setPullPolicy("Never");
            }
        });
        PodSpecs.visit(copy, site -> {
            if (site.image().endsWith("9")) {
                site.setPullPolicy("Always");
            }
        });
        List<String> seen = new ArrayList<>();

        PodSpecs.visit(copy, site -> seen.add(site.image().substring(2) + "=" + site.pullPolicy()));

        assertThat(seen).filteredOn(entry -> !entry.endsWith("=")).containsExactly("0=Never", "7=Never", "9=Always",
                "10=Never", "17=Never", "19=Always", "20=Never", "27=Never", "29=Always", "30=Never", "37=Never",
                "39=Always");
        assertThat(copy.sites()).hasSize(12);
        assertThat(copy.sites().get(8).pointer()).isEqualTo("/spec/containers/9"); // in the order of first writes
        assertThat(PatchDiff.diff(copy).operations()).hasSize(12);
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

        assertThat(copy.sites()).extracting(MutableCopy.WrittenSite::pointer).containsExactly("/spec/volumes/1/image");
        ObjectNode root = copy.root();
        assertThat(root.at("/spec/volumes/1/image/pullPolicy").asText()).isEqualTo("IfNotPresent");
        assertThat(root.at("/spec/volumes/1/name").asText()).isEqualTo("data");
        assertThat(root.at("/spec/volumes/0")).isSameAs(pod.at("/spec/volumes/0"));
        assertThat(pod.at("/spec/volumes/1/image").has("pullPolicy")).isFalse();
    }
}
