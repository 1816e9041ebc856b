package io.github.imagepullwebhook.admission;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.util.List;
import java.util.Map;

/**
 * Encodes answers: an AdmissionReview response in the request's own version, or a
 * Kubernetes-style {@code Status} body for requests that cannot be answered as a review. The
 * answers are records written by the mapper.
 */
public final class ReviewResponses {

    /** The AdmissionReview the apiserver reads. */
    record AdmissionReview(String apiVersion, String kind, Response response) {
    }

    /** Its response; members without content are left out. {@code patch} is written as base64. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record Response(String uid, boolean allowed, String patchType, byte[] patch, List<String> warnings,
                    Map<String, String> auditAnnotations, ResponseStatus status) {
    }

    /** Why a review was denied. */
    record ResponseStatus(int code, String message, String reason) {
    }

    /** A {@code Status} body for HTTP errors, readable by humans and by Kubernetes clients. */
    record Status(String apiVersion, String kind, String status, int code, String message) {
    }

    private final ObjectWriter writer;

    public ReviewResponses(ObjectMapper mapper) {
        this.writer = mapper.writer();
    }

    /** The AdmissionReview response, encoded. */
    public byte[] review(Review review, Verdict verdict) {
        byte[] patch = verdict.patch() == null ? null : encode(verdict.patch().operations());
        ResponseStatus status = verdict.allowed() ? null
                : new ResponseStatus(verdict.code(), verdict.message(), statusReason(verdict.code()));
        return encode(new AdmissionReview(review.apiVersion(), "AdmissionReview", new Response(review.uid(),
                verdict.allowed(), patch == null ? null : "JSONPatch", patch, verdict.warnings(),
                verdict.auditAnnotations(), status)));
    }

    /** A {@code Status} body for an HTTP error. */
    public byte[] status(int code, String message) {
        return encode(new Status("v1", "Status", "Failure", code, message));
    }

    private static String statusReason(int code) {
        return switch (code) {
            case 403 -> "Forbidden";
            case 503 -> "ServiceUnavailable";
            default -> "BadRequest";
        };
    }

    private byte[] encode(Object value) {
        try {
            return writer.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode an answer", e); // records of strings always encode
        }
    }
}
