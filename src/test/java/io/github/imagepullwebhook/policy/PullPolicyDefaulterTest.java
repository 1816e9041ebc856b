package io.github.imagepullwebhook.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
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
            ImageSite site = new ImageSite(kind, node, "spec.x[0]");
            List<Change> changes = new ArrayList<>();
            PullPolicyDefaulter.apply(site, changes);
            assertThat(node.get(kind.policyField()).asText()).as(kind.name()).isEqualTo(expected);
            assertThat(changes).hasSize(policy == null || policy.isEmpty() ? 1 : 0);
        }
    }

    @Test
    void aContainerWithoutImageIsDefaultedAsKubernetesDoes() {
        ObjectNode node = JSON.createObjectNode().put("name", "c");
        List<Change> changes = new ArrayList<>();
        PullPolicyDefaulter.apply(new ImageSite(SiteKind.CONTAINER, node, "spec.containers[0]"), changes);
        assertThat(node.get("imagePullPolicy").asText()).isEqualTo("IfNotPresent");
        assertThat(changes).singleElement().extracting(Change::field).isEqualTo("spec.containers[0].imagePullPolicy");
    }
}
