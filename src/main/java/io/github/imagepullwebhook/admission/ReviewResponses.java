package io.github.imagepullwebhook.admission;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Encodes answers: an AdmissionReview response in the request's own version, or a
 * Kubernetes-style {@code Status} body for requests that cannot be answered as a review.
 */
public final class ReviewResponses {

    private final ObjectMapper mapper;

    public ReviewResponses(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public ObjectNode review(Review review, Verdict verdict) {
        ObjectNode root = mapper.createObjectNode();
        root.put("apiVersion", review.apiVersion());
        root.put("kind", "AdmissionReview");
        ObjectNode response = root.putObject("response");
        response.put("uid", review.uid());
        response.put("allowed", verdict.allowed());
        if (verdict.patch() != null) {
            response.put("patchType", "JSONPatch");
            // A binary node is written as standard, padded base64 (Jackson's default variant),
            // straight from the patch's bytes.
            response.put("patch", patchBytes(verdict.patch()));
        }
        if (!verdict.allowed()) {
            ObjectNode status = response.putObject("status");
            status.put("code", verdict.code());
            status.put("message", verdict.message());
            status.put("reason", switch (verdict.code()) {
                case 403 -> "Forbidden";
                case 503 -> "ServiceUnavailable";
                default -> "BadRequest";
            });
        }
        if (!verdict.warnings().isEmpty()) {
            verdict.warnings().forEach(response.putArray("warnings")::add);
        }
        if (!verdict.auditAnnotations().isEmpty()) {
            ObjectNode audit = response.putObject("auditAnnotations");
            verdict.auditAnnotations().forEach(audit::put);
        }
        return root;
    }

    private byte[] patchBytes(JsonNode patch) {
        try {
            return mapper.writeValueAsBytes(patch);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a patch", e); // a tree of strings always encodes
        }
    }

    /** A {@code Status} body for HTTP errors, readable by humans and by Kubernetes clients. */
    public ObjectNode status(int code, String message) {
        ObjectNode status = mapper.createObjectNode();
        status.put("apiVersion", "v1");
        status.put("kind", "Status");
        status.put("status", "Failure");
        status.put("code", code);
        status.put("message", message);
        return status;
    }
}
