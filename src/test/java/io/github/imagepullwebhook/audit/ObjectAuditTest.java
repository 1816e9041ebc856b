package io.github.imagepullwebhook.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.imagepullwebhook.admission.AdmissionService;
import io.github.imagepullwebhook.admission.SkipRules;
import io.github.imagepullwebhook.audit.ClusterReader.Listed;
import io.github.imagepullwebhook.audit.Finding.Action;
import io.github.imagepullwebhook.policy.GroupKind;
import io.github.imagepullwebhook.policy.PodSpecs;
import io.github.imagepullwebhook.policy.Rules;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** One stored object through the server's review code, without an API server. */
class ObjectAuditTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Rules ENFORCE = new Rules(true, true).withAlwaysPullWorkloads();
    static final Rules DEFAULTS = new Rules(true, false);
    static final Rules PIN = new Rules(true, false, true, false);
    final AdmissionService service = new AdmissionService(JSON, new SkipRules(Set.of("ignored")));

    static Listed listed(String kind, String json) throws Exception {
        AuditedKind audited = AuditedKind.ALL.stream().filter(k -> k.kind().equals(kind)).findFirst().orElseThrow();
        ObjectNode object = (ObjectNode) JSON.readTree(json);
        object.put("apiVersion", audited.apiVersion("v1")).put("kind", kind);
        return new Listed(audited, audited.apiVersion("v1"), object);
    }

    static String pod(String owner, String spec) {
        return "{\"metadata\":{\"name\":\"p\",\"namespace\":\"team-a\"" + (owner == null ? "" : ",\"ownerReferences\":["
                + owner + "]") + "},\"spec\":" + spec + "}";
    }

    static final String IF_NOT_PRESENT = "{\"containers\":[{\"name\":\"app\",\"image\":\"app:1\",\"imagePullPolicy\":"
            + "\"IfNotPresent\"}]}";

    Finding audit(Rules rules, Listed listed) {
        return new ObjectAudit(service, rules, JSON).audit(listed).orElseThrow();
    }

    @Test
    void aWorkloadIsChangedNotDeniedBecauseValidateSeesTheObjectMutateChanged() throws Exception {
        Finding finding = audit(ENFORCE, listed("Deployment", "{\"metadata\":{\"name\":\"web\",\"namespace\":\"team-a\"},"
                + "\"spec\":{\"template\":{\"spec\":" + IF_NOT_PRESENT + "}}}"));
        assertThat(finding.action()).isEqualTo(Action.WOULD_CHANGE);
        assertThat(finding.denials()).isEmpty();
        assertThat(finding.changes()).containsExactly(new Finding.FieldChange(
                "spec.template.spec.containers[0].imagePullPolicy", "/spec/template/spec/containers/0/imagePullPolicy",
                "IfNotPresent", "Always"));
        assertThat(finding.changeSummary()).isEqualTo("spec.template.spec.containers[0].imagePullPolicy (was IfNotPresent) "
                + "set to Always (images are always pulled in this namespace)");
    }

    @ParameterizedTest(name = "{0} {1}: in-place update denied = {2}")
    @CsvSource({
        "apps/v1, ReplicaSet, false",
        "apps/v1, StatefulSet, false",
        "apps/v1, DaemonSet, false",
        "batch/v1, Job, false",
        "v1, ReplicationController, false",
        "v1, Node, false",
        "apps.kruise.io/v1alpha1, CloneSet, true",
        "example.com/v1, ReplicaSet, true",
        ", , true"})
    void onlyPodsNoBuiltInControllerReplacesAreAskedAboutInPlaceImageUpdates(String apiVersion, String kind,
                                                                             boolean denied) throws Exception {
        String owner = kind == null ? null : "{\"apiVersion\":\"" + apiVersion + "\",\"kind\":\"" + kind
                + "\",\"name\":\"o\",\"controller\":true}";
        Finding finding = audit(ENFORCE, listed("Pod", pod(owner, IF_NOT_PRESENT)));
        assertThat(finding.action()).isEqualTo(denied ? Action.WOULD_DENY : Action.WOULD_CHANGE);
        assertThat(finding.denials()).hasSize(denied ? 1 : 0);
        assertThat(finding.owner() == null ? null : finding.owner().toString()).isEqualTo(kind == null ? null : kind + "/o");
    }

    @ParameterizedTest
    @CsvSource({"Running, true", "Pending, true", "Succeeded, false", "Failed, false"})
    void finishedPodsAreNotAskedAboutInPlaceImageUpdates(String phase, boolean denied) throws Exception {
        Listed pod = listed("Pod", pod(null, IF_NOT_PRESENT));
        pod.object().putObject("status").put("phase", phase);
        assertThat(audit(ENFORCE, pod).denials()).hasSize(denied ? 1 : 0);
    }

    @Test
    void theInPlaceUpdateChangesContainersAndInitContainersOnly() throws Exception {
        Finding finding = audit(ENFORCE, listed("Pod", pod(null, "{\"initContainers\":[{\"name\":\"init\",\"image\":"
                + "\"init:1\",\"imagePullPolicy\":\"IfNotPresent\"}],\"containers\":[{\"name\":\"app\",\"image\":\"app:1\","
                + "\"imagePullPolicy\":\"Always\"}],\"ephemeralContainers\":[{\"name\":\"debug\",\"image\":\"busybox:1\","
                + "\"imagePullPolicy\":\"IfNotPresent\"}],\"volumes\":[{\"name\":\"v\",\"image\":{\"reference\":\"data:1\","
                + "\"pullPolicy\":\"IfNotPresent\"}}]}")));
        assertThat(finding.denials()).singleElement().satisfies(denial -> {
            assertThat(denial.operation()).isEqualTo("UPDATE");
            assertThat(denial.message()).isEqualTo("Pod \"p\" is forbidden: images must always be pulled in namespace "
                    + "\"team-a\": spec.initContainers[0].imagePullPolicy: Forbidden: the image of container \"init\" "
                    + "changed, and the pull policy of an existing pod's container cannot change from \"IfNotPresent\" to "
                    + "\"Always\"; delete the pod and create it again (or let its controller replace it)");
        });
        assertThat(finding.changes()).extracting(Finding.FieldChange::field).containsExactly(
                "spec.initContainers[0].imagePullPolicy", "spec.ephemeralContainers[0].imagePullPolicy",
                "spec.volumes[0].image.pullPolicy");
    }

    @Test
    void aPodPullingAlwaysIsOkAndAProfileWithoutAlwaysPullDeniesNothing() throws Exception {
        String always = IF_NOT_PRESENT.replace("IfNotPresent", "Always");
        assertThat(audit(ENFORCE, listed("Pod", pod(null, always))).action()).isEqualTo(Action.OK);
        Finding defaults = audit(DEFAULTS, listed("Pod", pod(null, IF_NOT_PRESENT)));
        assertThat(defaults.action()).isEqualTo(Action.OK);
        assertThat(defaults.warnings()).isEmpty();
    }

    @Test
    void imagesToPinAreNamedOnPodsAndUnownedTemplatesButNeverResolved() throws Exception {
        String spec = "{\"containers\":[{\"name\":\"a\",\"image\":\"registry.example/app:1.0\",\"imagePullPolicy\":"
                + "\"Always\"},{\"name\":\"b\",\"image\":\"registry.example/app:1.0@sha256:" + "a".repeat(64)
                + "\",\"imagePullPolicy\":\"Always\"}]}";
        Finding pod = audit(PIN, listed("Pod", pod(null, spec)));
        assertThat(pod.action()).isEqualTo(Action.WOULD_CHANGE);
        assertThat(pod.wouldPin()).containsExactly(new Finding.Pin("spec.containers[0].image", "registry.example/app:1.0"));
        assertThat(pod.changes()).isEmpty();

        String owned = "{\"metadata\":{\"name\":\"web-1\",\"namespace\":\"team-a\",\"ownerReferences\":[{\"apiVersion\":"
                + "\"apps/v1\",\"kind\":\"Deployment\",\"name\":\"web\",\"controller\":true}]},\"spec\":{\"template\":"
                + "{\"spec\":" + spec + "}}}";
        assertThat(audit(PIN, listed("ReplicaSet", owned)).wouldPin()).isEmpty();
        assertThat(audit(PIN, listed("ReplicaSet", owned.replace("\"controller\":true", "\"controller\":false")))
                .wouldPin()).hasSize(1);
    }

    @Test
    void objectsInNamespacesTheServerIgnoresAreNotReported() throws Exception {
        assertThat(new ObjectAudit(service, ENFORCE, JSON).audit(listed("Pod", pod(null, IF_NOT_PRESENT)
                .replace("team-a", "ignored")))).isEmpty();
    }

    @Test
    void notesAreTheWarningsThatDoNotRestateAChange() throws Exception {
        Finding finding = audit(ENFORCE, listed("Pod", pod("{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"name\":"
                + "\"o\",\"controller\":true}", "{\"containers\":[{\"name\":\"a\",\"image\":\"Bad/Image\","
                + "\"imagePullPolicy\":\"Never\"},{\"name\":\"b\",\"image\":\"b:1\",\"imagePullPolicy\":\"Never\"}]}")));
        assertThat(finding.warnings()).hasSize(2);
        assertThat(finding.notes()).singleElement().asString()
                .startsWith("image-pull-webhook: spec.containers[0].image \"Bad/Image\" is not a valid image reference");
        assertThat(AuditReport.details(finding)).isEqualTo("owned by ReplicaSet/o; spec.containers[0].imagePullPolicy "
                + "(was Never), spec.containers[1].imagePullPolicy (was Never) set to Always (images are always pulled "
                + "in this namespace); " + finding.notes().get(0));
    }

    @Test
    void everyKindWithAPodSpecIsListedExceptTheOldEphemeralContainersShape() {
        Set<GroupKind> expected = new HashSet<>(PodSpecs.supportedKinds());
        expected.remove(new GroupKind("", "EphemeralContainers"));
        assertThat(AuditedKind.ALL.stream().map(AuditedKind::groupKind).collect(Collectors.toSet()))
                .isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
        "/spec/containers/0/imagePullPolicy, spec.containers[0].imagePullPolicy",
        "/spec/template/spec/initContainers/12/image, spec.template.spec.initContainers[12].image",
        "/spec/volumes/1/image/pullPolicy, spec.volumes[1].image.pullPolicy",
        "/items/3/spec/containers/0/image, items[3].spec.containers[0].image"})
    void patchPointersAreWrittenAsKubernetesFieldPaths(String pointer, String dotted) {
        assertThat(FieldPaths.dotted(pointer)).isEqualTo(dotted);
    }
}
