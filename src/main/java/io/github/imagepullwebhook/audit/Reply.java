package io.github.imagepullwebhook.audit;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.imagepullwebhook.admission.AdmissionService.Answer;
import io.github.imagepullwebhook.patch.JsonPatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The parts of an encoded AdmissionReview response the audit reports, read back from the bytes
 * the server would send, so the report shows what the apiserver would get and nothing else.
 *
 * @param allowed  whether the apiserver may go on
 * @param patch    the decoded patch; empty when nothing changes
 * @param warnings as kubectl would print them
 * @param changes  the audit annotation {@code changes}, or empty
 * @param denial   the status message of a refusal, or empty
 */
record Reply(boolean allowed, JsonPatch patch, List<String> warnings, String changes, String denial) {

    private static final TypeReference<List<JsonPatch.Operation>> OPERATIONS = new TypeReference<>() {
    };

    static Reply of(Answer answer, ObjectMapper mapper) {
        ObjectNode response = (ObjectNode) answer.body().path("response");
        List<String> warnings = new ArrayList<>();
        response.path("warnings").forEach(warning -> warnings.add(warning.asText()));
        return new Reply(response.path("allowed").asBoolean(false), patch(response, mapper), warnings,
                response.path("auditAnnotations").path("changes").asText(""),
                response.path("status").path("message").asText(""));
    }

    private static JsonPatch patch(JsonNode response, ObjectMapper mapper) {
        String encoded = response.path("patch").asText("");
        if (encoded.isEmpty()) {
            return new JsonPatch(List.of());
        }
        try {
            return new JsonPatch(mapper.readValue(Base64.getDecoder().decode(encoded), OPERATIONS));
        } catch (IOException e) {
            throw new UncheckedIOException("the webhook's own patch does not parse", e); // we wrote it: a bug
        }
    }
}
