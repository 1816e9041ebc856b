package io.github.imagepullwebhook.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.imagepullwebhook.patch.JsonPatch;
import io.github.imagepullwebhook.policy.GroupKind;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The answer as the apiserver reads it: every part of the verdict, in the request's version, the patch intact. */
class ReviewResponsesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ReviewResponses responses = new ReviewResponses(JSON);
    private final Review review = new Review(ReviewDecoder.V1BETA1, "u-1", new GroupKind("", "Pod"), "", "CREATE",
            "ns", "p", null, null);

    @Test
    void aPatchedAnswerCarriesThePatchExactlyAndEverythingPeopleRead() throws Exception {
        JsonPatch patch = new JsonPatch(List.of(
                new JsonPatch.Operation("replace", "/spec/containers/0/imagePullPolicy", "Always"),
                new JsonPatch.Operation("add", "/spec/initContainers/0~1x\"y/image", "é\u0000\n\"quoted\"\u2028")));
        Verdict verdict = new Verdict(Reason.PATCHED, true, patch, List.of("image-pull-webhook: \"quoted\"\nline"),
                Map.of("reason", "PATCHED"), 200, null);

        JsonNode answer = JSON.readTree(responses.review(review, verdict));

        assertThat(answer.path("apiVersion").asText()).isEqualTo(ReviewDecoder.V1BETA1);
        assertThat(answer.path("kind").asText()).isEqualTo("AdmissionReview");
        JsonNode response = answer.path("response");
        assertThat(response.path("uid").asText()).isEqualTo("u-1");
        assertThat(response.path("allowed").asBoolean()).isTrue();
        assertThat(response.path("patchType").asText()).isEqualTo("JSONPatch");
        JsonNode decoded = JSON.readTree(Base64.getDecoder().decode(response.path("patch").asText()));
        assertThat(decoded).hasSize(2);
        for (int i = 0; i < 2; i++) {
            JsonPatch.Operation sent = patch.operations().get(i);
            assertThat(decoded.get(i).path("op").asText()).isEqualTo(sent.op());
            assertThat(decoded.get(i).path("path").asText()).isEqualTo(sent.path());
            assertThat(decoded.get(i).path("value").asText()).isEqualTo(sent.value());
            assertThat(decoded.get(i).size()).isEqualTo(3);
        }
        assertThat(response.path("warnings").get(0).asText()).isEqualTo("image-pull-webhook: \"quoted\"\nline");
        assertThat(response.path("auditAnnotations").path("reason").asText()).isEqualTo("PATCHED");
        assertThat(response.has("status")).isFalse();
    }

    @Test
    void anAnswerWithoutChangesCarriesNoPatchWarningsOrAnnotations() throws Exception {
        JsonNode response = JSON.readTree(responses.review(review, Verdict.allowed(Reason.NO_CHANGE))).path("response");

        assertThat(response.path("allowed").asBoolean()).isTrue();
        assertThat(response.has("patch")).isFalse();
        assertThat(response.has("patchType")).isFalse();
        assertThat(response.has("warnings")).isFalse();
        assertThat(response.has("auditAnnotations")).isFalse();
    }

    @Test
    void aPatchCannotHoldAnOperationTheWebhookNeverSends() {
        assertThatThrownBy(() -> new JsonPatch.Operation("remove", "/spec/containers/0/imagePullPolicy", ""))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("remove /spec/containers/0/imagePullPolicy");
        assertThatThrownBy(() -> new JsonPatch.Operation("move", "/spec", "")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new JsonPatch.Operation("replace", "/spec/containers/0/command", "sh"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("replace /spec/containers/0/command");
    }

    @Test
    void aDenialCarriesAStatusAndNoPatch() throws Exception {
        JsonNode response = JSON.readTree(responses.review(review,
                Verdict.denied(Reason.DENIED_PULL_POLICY, 403, "images must always be pulled"))).path("response");

        assertThat(response.path("allowed").asBoolean()).isFalse();
        assertThat(response.has("patch")).isFalse();
        assertThat(response.path("status").path("code").asInt()).isEqualTo(403);
        assertThat(response.path("status").path("reason").asText()).isEqualTo("Forbidden");
        assertThat(response.path("status").path("message").asText()).isEqualTo("images must always be pulled");
    }

    @Test
    void httpErrorsAreKubernetesStatusBodies() throws Exception {
        JsonNode status = JSON.readTree(responses.status(413, "too large"));

        assertThat(status.path("kind").asText()).isEqualTo("Status");
        assertThat(status.path("status").asText()).isEqualTo("Failure");
        assertThat(status.path("code").asInt()).isEqualTo(413);
        assertThat(status.path("message").asText()).isEqualTo("too large");
    }
}
