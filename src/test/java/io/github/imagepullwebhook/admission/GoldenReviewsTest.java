package io.github.imagepullwebhook.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.zjsonpatch.DiffFlags;
import io.fabric8.zjsonpatch.JsonDiff;
import io.fabric8.zjsonpatch.JsonPatch;
import io.github.imagepullwebhook.admission.AdmissionService.Answer;
import io.github.imagepullwebhook.admission.AdmissionService.Mode;
import io.github.imagepullwebhook.policy.EnforcementScope;
import io.github.imagepullwebhook.policy.GroupKind;
import io.github.imagepullwebhook.policy.ImagePolicy;
import io.github.imagepullwebhook.config.WebhookConfig;
import io.github.imagepullwebhook.policy.Change;
import io.github.imagepullwebhook.policy.DigestPinner;
import io.github.imagepullwebhook.policy.Rules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real AdmissionReview requests and their expected answers
 * ({@code src/test/resources/reviews/<case>/}). Patches are compared as sets of operations.
 */
class GoldenReviewsTest {

    static final Path REVIEWS = Path.of("src/test/resources/reviews");
    static final ObjectMapper JSON = new ObjectMapper();
    static final Set<String> ALLOWED_FIELDS = Set.of("imagePullPolicy", "pullPolicy", "image", "reference");

    final AdmissionService service = new AdmissionService(JSON, new SkipRules(Set.of("kube-system")));

    static Stream<String> cases() throws IOException {
        try (Stream<Path> dirs = Files.list(REVIEWS)) {
            return dirs.map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    @Test
    void everyKindAndBothVersionsHaveAFixture() throws IOException {
        assertThat(cases().toList()).contains("enforce-pod", "enforce-deployment", "enforce-statefulset",
                "enforce-daemonset", "enforce-replicaset", "enforce-replicationcontroller", "enforce-job",
                "enforce-cronjob", "enforce-podtemplate", "enforce-pod-v1beta1", "enforce-kubectl-debug",
                "enforce-update-label-edit");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answersAsExpected(String name) throws IOException {
        byte[] request = Files.readAllBytes(REVIEWS.resolve(name).resolve("request.json"));
        JsonNode expected = JSON.readTree(REVIEWS.resolve(name).resolve("expected.json").toFile());
        Rules rules = WebhookConfig.parse("profiles: {p: " + expected.path("profile") + "}").profile("p")
                .orElseThrow().rules();
        Mode mode = Mode.valueOf(expected.path("mode").asText().toUpperCase(java.util.Locale.ROOT));

        Answer answer = service.review(request, rules, mode);

        assertThat(answer.httpStatus()).isEqualTo(200);
        assertThat(answer.reason().name()).isEqualTo(expected.path("reason").asText());
        JsonNode response = answer.body().path("response");
        JsonNode requestTree = JSON.readTree(request);
        assertThat(answer.body().path("apiVersion").asText()).isEqualTo(requestTree.path("apiVersion").asText());
        assertThat(response.path("uid").asText()).isEqualTo(requestTree.path("request").path("uid").asText());
        assertThat(response.path("allowed").asBoolean()).isEqualTo(expected.path("allowed").asBoolean());
        assertThat(texts(response.path("warnings"))).containsExactlyElementsOf(texts(expected.path("warnings")));
        expected.path("auditAnnotations").fields().forEachRemaining(annotation -> assertThat(
                response.path("auditAnnotations").path(annotation.getKey()).asText()).as("audit " + annotation.getKey())
                .isEqualTo(annotation.getValue().asText()));
        if (expected.has("message")) {
            assertThat(response.path("status").path("message").asText()).isEqualTo(expected.path("message").asText());
            assertThat(response.path("status").path("code").asInt()).isEqualTo(expected.path("code").asInt());
        }
        JsonNode patch = decodedPatch(response);
        if (expected.path("patch").isNull()) {
            assertThat(patch).isNull();
            assertThat(response.has("patchType")).isFalse();
            return;
        }
        assertThat(response.path("patchType").asText()).isEqualTo("JSONPatch");
        assertThat(operations(patch)).containsExactlyInAnyOrderElementsOf(operations(expected.path("patch")));
        assertOnlyImageFieldsChange(requestTree.path("request").path("object"), patch);
        assertReinvocationChangesNothing(requestTree, patch, rules);
    }

    /**
     * The patch is rendered from the rules' changes, not diffed; for every fixture, with every
     * rule on (both policy rules, and a pin of every pinnable image), applying it must change
     * exactly what a whole-tree diff of request and patched request finds, operation for
     * operation, touch nothing but image fields, and leave the request's own tree as sent.
     * Our own {@link JsonPatch#applyTo} must agree with zjsonpatch's.
     */
    /** The policy lists the images to pin in its one pass: the same sites, in order, as the pinner's definition. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void thePolicysPinsAreThePinnersCandidates(String name) throws IOException {
        JsonNode request = JSON.readTree(REVIEWS.resolve(name).resolve("request.json").toFile()).path("request");
        if (!(request.path("object") instanceof ObjectNode object)) {
            return;
        }
        GroupKind kind = new GroupKind(request.path("kind").path("group").asText(), request.path("kind").path("kind").asText());
        Rules rules = new Rules(true, true, true, false);
        List<String> expected = !DigestPinner.pinsObject(kind, object, rules) ? List.of()
                : DigestPinner.candidates(kind, object, EnforcementScope.everySite(), rules).stream()
                        .map(candidate -> candidate.site().imagePath() + "=" + candidate.reference().original()).toList();
        assertThat(new ImagePolicy(rules).decide(kind, object, EnforcementScope.everySite()).pins())
                .extracting(candidate -> candidate.site().imagePath() + "=" + candidate.reference().original())
                .containsExactlyElementsOf(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void patchIsWhatAWholeTreeDiffFinds(String name) throws IOException {
        JsonNode request = JSON.readTree(REVIEWS.resolve(name).resolve("request.json").toFile()).path("request");
        if (!(request.path("object") instanceof ObjectNode object)) {
            return;
        }
        GroupKind kind = new GroupKind(request.path("kind").path("group").asText(), request.path("kind").path("kind").asText());
        JsonNode before = object.deepCopy();
        for (Rules rules : List.of(new Rules(true, true).withAlwaysPullWorkloads(), new Rules(true, false))) {
            List<Change> changes = new ArrayList<>(new ImagePolicy(rules)
                    .decide(kind, object, EnforcementScope.everySite()).changes());
            DigestPinner.candidates(kind, object, EnforcementScope.everySite(), rules)
                    .forEach(candidate -> changes.add(DigestPinner.decide(candidate, "sha256:" + "ab".repeat(32))));
            JsonNode patch = JSON.valueToTree(io.github.imagepullwebhook.patch.JsonPatch.of(changes).operations());

            JsonNode patched = JsonPatch.apply(patch, object);
            JsonNode wholeTree = JsonDiff.asJson(object, patched,
                    EnumSet.of(DiffFlags.OMIT_MOVE_OPERATION, DiffFlags.OMIT_COPY_OPERATION));
            assertThat(operations(patch)).hasSize(patch.size()).isEqualTo(operations(wholeTree));
            assertOnlyImageFieldsChange(object, patch);
            JsonNode ours = object.deepCopy();
            io.github.imagepullwebhook.patch.JsonPatch.of(changes).applyTo(ours);
            assertThat(ours).isEqualTo(patched);
        }
        assertThat(object).as("request tree").isEqualTo(before);
    }

    /** Applying the patch changes image fields and nothing else, unknown fields included. */
    static void assertOnlyImageFieldsChange(JsonNode object, JsonNode patch) {
        for (JsonNode op : patch) {
            String path = op.path("path").asText();
            assertThat(op.path("op").asText()).isIn("add", "replace");
            assertThat(path.substring(path.lastIndexOf('/') + 1)).isIn(ALLOWED_FIELDS);
        }
        JsonNode patched = JsonPatch.apply(patch, object);
        assertThat(stripImageFields(patched.deepCopy())).isEqualTo(stripImageFields(object.deepCopy()));
    }

    /** The apiserver may call a webhook again (reinvocationPolicy: IfNeeded): the second pass must be a no-op. */
    void assertReinvocationChangesNothing(JsonNode requestTree, JsonNode patch, Rules rules) {
        ObjectNode again = requestTree.deepCopy();
        ObjectNode request = (ObjectNode) again.get("request");
        request.set("object", JsonPatch.apply(patch, requestTree.path("request").path("object")));
        Answer second = service.review(again.toString().getBytes(), rules, Mode.MUTATE);
        assertThat(second.body().path("response").has("patch")).as("second pass patch").isFalse();
    }

    static JsonNode stripImageFields(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.remove(ALLOWED_FIELDS);
            object.forEach(GoldenReviewsTest::stripImageFields);
        } else if (node.isArray()) {
            node.forEach(GoldenReviewsTest::stripImageFields);
        }
        return node;
    }

    static JsonNode decodedPatch(JsonNode response) throws IOException {
        if (!response.has("patch")) {
            return null;
        }
        return JSON.readTree(Base64.getDecoder().decode(response.path("patch").asText()));
    }

    static Set<JsonNode> operations(JsonNode patch) {
        Set<JsonNode> ops = new HashSet<>();
        patch.forEach(ops::add);
        return ops;
    }

    static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(n -> texts.add(n.asText()));
        return texts;
    }
}
