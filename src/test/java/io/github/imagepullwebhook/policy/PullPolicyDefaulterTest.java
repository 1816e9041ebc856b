package io.github.imagepullwebhook.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Kubernetes' SetDefaults_Container and SetDefaults_ImageVolumeSource, case by case. */
class PullPolicyDefaulterTest {

    static final String DIGEST = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest(name = "{0} [{1}] -> {2}")
    @CsvSource(nullValues = "-", value = {
            "nginx,                               -,            Always",
            "nginx:latest,                        -,            Always",
            "nginx:1.25,                          -,            IfNotPresent",
            "nginx@" + DIGEST + ",                -,            IfNotPresent",
            "nginx:latest@" + DIGEST + ",         -,            Always",
            "nginx:1.25@" + DIGEST + ",           -,            IfNotPresent",
            "host:5000/name,                      -,            Always",
            "host:5000/name:v1,                   -,            IfNotPresent",
            "localhost/name,                      -,            Always",
            "nginx:Latest,                        -,            IfNotPresent",
            "NotValid/Image,                      -,            IfNotPresent",
            "nginx,                               '',           Always",
            "nginx,                               Never,        Never",
            "nginx:1.25,                          Always,       Always",
            "nginx,                               IfNotPresent, IfNotPresent",
    })
    void defaultsOnlyAnEmptyPolicy(String image, String policy, String expected) {
        for (SiteKind kind : SiteKind.values()) {
            ObjectNode node = JSON.createObjectNode().put(kind.imageField(), image);
            if (policy != null) {
                node.put(kind.policyField(), policy);
            }
            Change change = PullPolicyDefaulter.decide(site(kind, node));
            String result = change == null ? policy : change.newValue();
            assertThat(result).as(kind.name()).isEqualTo(expected);
            assertThat(change == null).as(kind.name() + " changed").isEqualTo(policy != null && !policy.isEmpty());
            if (change != null) {
                assertThat(change.oldValue()).isEqualTo(policy);
                assertThat(change.replaces()).isEqualTo(policy != null);
            }
        }
    }

    @Test
    void aContainerWithoutImageIsDefaultedAsKubernetesDoes() {
        ObjectNode node = JSON.createObjectNode().put("name", "c");
        Change change = PullPolicyDefaulter.decide(site(SiteKind.CONTAINER, node));
        assertThat(change.newValue()).isEqualTo("IfNotPresent");
        assertThat(change.field()).isEqualTo("spec.containers[0].imagePullPolicy");
        assertThat(change.pointer()).isEqualTo("/spec/containers/0/imagePullPolicy");
        assertThat(node.has("imagePullPolicy")).as("rules write nothing").isFalse();
    }

    /**
     * Kubernetes defaults an image volume's pull policy only behind the ImageVolume feature gate,
     * and a volume with an {@code image} source exists only where the gate is on: defaulting
     * follows the object, so it never invents the field for a cluster without the gate.
     */
    @Test
    void imageVolumesAreDefaultedOnlyWhereTheObjectHasThem() throws Exception {
        ObjectNode pod = (ObjectNode) JSON.readTree("{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"app:1\","
                + "\"imagePullPolicy\":\"IfNotPresent\"}],\"volumes\":[{\"name\":\"cfg\",\"configMap\":{\"name\":\"c\"}},"
                + "{\"name\":\"w\",\"image\":{\"reference\":\"weights:v1\"}}]}}");
        PolicyResult result = new ImagePolicy(new Rules(true, false)).decide(new GroupKind("", "Pod"), pod,
                EnforcementScope.everySite());
        assertThat(result.changes()).extracting(Change::pointer).containsExactly("/spec/volumes/1/image/pullPolicy");
    }

    /** The first site of {@code kind} in a pod whose spec holds just {@code node} there. */
    private static ImageSite site(SiteKind kind, ObjectNode node) {
        ObjectNode entry = kind == SiteKind.IMAGE_VOLUME ? JSON.createObjectNode().put("name", "v").set("image", node) : node;
        ObjectNode pod = JSON.createObjectNode();
        pod.putObject("spec").putArray(kind.listField()).add(entry);
        return PodSpecs.sites(new GroupKind("", "Pod"), pod).get(0);
    }
}
