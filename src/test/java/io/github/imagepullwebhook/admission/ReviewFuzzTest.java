package io.github.imagepullwebhook.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.imagepullwebhook.admission.AdmissionService.Answer;
import io.github.imagepullwebhook.admission.AdmissionService.Mode;
import io.github.imagepullwebhook.policy.Rules;
import java.util.Base64;
import java.util.Set;

/**
 * Any bytes as a request body, through the decoder and both rules: the answer is a review
 * response (HTTP 200) or a clear 400, never an internal error; and a patch, when there is one,
 * only ever adds or replaces image and pull-policy fields. Seeds are real AdmissionReviews
 * ({@code ReviewFuzzTestInputs/}), which the fuzzer mutates.
 */
class ReviewFuzzTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final AdmissionService SERVICE = new AdmissionService(JSON, new SkipRules(Set.of("kube-system")));
    static final Set<String> IMAGE_FIELDS = Set.of("imagePullPolicy", "pullPolicy", "image", "reference");

    @FuzzTest(maxDuration = "20s")
    void anyBodyGetsAWellFormedAnswer(byte[] body) throws Exception {
        for (Mode mode : Mode.values()) {
            Answer answer = SERVICE.review(body, new Rules(true, true), mode);
            assertThat(answer.httpStatus()).as("status for %s", mode).isIn(200, 400);
            assertThat(answer.body().path("kind").asText()).isIn("AdmissionReview", "Status");
            if (answer.httpStatus() == 400) {
                assertThat(answer.body().path("message").asText()).isNotBlank();
                continue;
            }
            JsonNode response = answer.body().path("response");
            assertThat(response.has("uid")).isTrue();
            if (response.has("patch")) {
                for (JsonNode op : JSON.readTree(Base64.getDecoder().decode(response.path("patch").asText()))) {
                    String path = op.path("path").asText();
                    assertThat(op.path("op").asText()).isIn("add", "replace");
                    assertThat(path.substring(path.lastIndexOf('/') + 1)).isIn(IMAGE_FIELDS);
                }
            }
        }
    }
}
