package io.github.imagepullwebhook.admission;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Encodes answers: an AdmissionReview response in the request's own version, or a
 * Kubernetes-style {@code Status} body for requests that cannot be answered as a review.
 */
public final class ReviewResponses {

    private final ObjectMapper mapper;

    public ReviewResponses(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * The AdmissionReview response, encoded. Written straight to bytes with a streaming
     * generator: this runs on every review, and building a tree only to serialise it doubled
     * the work.
     */
    public byte[] review(Review review, Verdict verdict) {
        byte[] patch = verdict.patch() == null ? null : verdict.patch().toJson();
        return encode(json -> {
            json.writeStartObject();
            json.writeStringField("apiVersion", review.apiVersion());
            json.writeStringField("kind", "AdmissionReview");
            json.writeObjectFieldStart("response");
            json.writeStringField("uid", review.uid());
            json.writeBooleanField("allowed", verdict.allowed());
            if (patch != null) {
                json.writeStringField("patchType", "JSONPatch");
                json.writeBinaryField("patch", patch); // standard, padded base64: Jackson's default variant
            }
            if (!verdict.allowed()) {
                json.writeObjectFieldStart("status");
                json.writeNumberField("code", verdict.code());
                json.writeStringField("message", verdict.message());
                json.writeStringField("reason", switch (verdict.code()) {
                    case 403 -> "Forbidden";
                    case 503 -> "ServiceUnavailable";
                    default -> "BadRequest";
                });
                json.writeEndObject();
            }
            if (!verdict.warnings().isEmpty()) {
                json.writeArrayFieldStart("warnings");
                for (String warning : verdict.warnings()) {
                    json.writeString(warning);
                }
                json.writeEndArray();
            }
            if (!verdict.auditAnnotations().isEmpty()) {
                json.writeObjectFieldStart("auditAnnotations");
                for (Map.Entry<String, String> annotation : verdict.auditAnnotations().entrySet()) {
                    json.writeStringField(annotation.getKey(), annotation.getValue());
                }
                json.writeEndObject();
            }
            json.writeEndObject();
            json.writeEndObject();
        });
    }

    /** A {@code Status} body for HTTP errors, readable by humans and by Kubernetes clients. */
    public byte[] status(int code, String message) {
        return encode(json -> {
            json.writeStartObject();
            json.writeStringField("apiVersion", "v1");
            json.writeStringField("kind", "Status");
            json.writeStringField("status", "Failure");
            json.writeNumberField("code", code);
            json.writeStringField("message", message);
            json.writeEndObject();
        });
    }

    private interface Body {
        void write(JsonGenerator json) throws IOException;
    }

    private byte[] encode(Body body) {
        JsonFactory factory = mapper.getFactory();
        ByteArrayBuilder out = new ByteArrayBuilder(factory._getBufferRecycler());
        try {
            try (JsonGenerator json = factory.createGenerator(out)) {
                body.write(json);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode an answer", e); // strings into memory always encode
        } finally {
            out.release(); // its close() does not: without this each answer allocated a fresh 2 KB block
        }
    }
}
