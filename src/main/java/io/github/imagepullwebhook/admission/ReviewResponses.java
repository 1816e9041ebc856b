package io.github.imagepullwebhook.admission;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Encodes answers: an AdmissionReview response in the request's own version, or a
 * Kubernetes-style {@code Status} body for requests that cannot be answered as a review.
 */
public final class ReviewResponses {

    // Names and constant values written as pre-quoted UTF-8: Jackson then copies their bytes
    // instead of checking every character for escapes, on every answer.
    private static final SerializedString API_VERSION = new SerializedString("apiVersion");
    private static final SerializedString V1 = new SerializedString(ReviewDecoder.V1);
    private static final SerializedString V1BETA1 = new SerializedString(ReviewDecoder.V1BETA1);
    private static final SerializedString KIND = new SerializedString("kind");
    private static final SerializedString ADMISSION_REVIEW = new SerializedString("AdmissionReview");
    private static final SerializedString RESPONSE = new SerializedString("response");
    private static final SerializedString UID = new SerializedString("uid");
    private static final SerializedString ALLOWED = new SerializedString("allowed");
    private static final SerializedString PATCH_TYPE = new SerializedString("patchType");
    private static final SerializedString JSON_PATCH = new SerializedString("JSONPatch");
    private static final SerializedString PATCH = new SerializedString("patch");
    private static final SerializedString WARNINGS = new SerializedString("warnings");
    private static final SerializedString AUDIT_ANNOTATIONS = new SerializedString("auditAnnotations");

    private final ObjectMapper mapper;

    public ReviewResponses(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * The AdmissionReview response, encoded. Written straight to bytes with a streaming
     * generator: this runs on every review, and building a tree only to serialise it doubled
     * the work. The report's members go in as the bytes {@link #report} encoded.
     */
    public byte[] review(Review review, Verdict verdict) {
        SerializedString members = verdict.report().members();
        return encode(json -> {
            json.writeStartObject();
            json.writeFieldName(API_VERSION);
            json.writeString(ReviewDecoder.V1.equals(review.apiVersion()) ? V1 : V1BETA1); // the decoder accepts no other
            json.writeFieldName(KIND);
            json.writeString(ADMISSION_REVIEW);
            json.writeFieldName(RESPONSE);
            json.writeStartObject();
            json.writeFieldName(UID);
            json.writeString(review.uid());
            json.writeFieldName(ALLOWED);
            json.writeBoolean(verdict.allowed());
            json.writeRaw(members); // each member brings its own comma
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
            json.writeEndObject();
            json.writeEndObject();
        });
    }

    /** A report with its answer members encoded, ready to be kept in {@link ChangeReports}. */
    ChangeReport report(Patch patch, List<String> warnings, Map<String, String> audit) {
        // Read-only: a report kept in the memo is shared by the answers of many reviews.
        List<String> shownWarnings = Collections.unmodifiableList(warnings);
        Map<String, String> shownAudit = Collections.unmodifiableMap(audit);
        return new ChangeReport(patch, shownWarnings, shownAudit, members(patch, shownWarnings, shownAudit));
    }

    /**
     * The report's members as they appear in a response, each preceded by its comma: encoded as
     * an object of their own whose braces are then cut off (the opening one becomes the first
     * comma). Empty when the report has nothing to say.
     */
    private SerializedString members(Patch patch, List<String> warnings, Map<String, String> audit) {
        byte[] object = encode(json -> {
            json.writeStartObject();
            if (patch != null) {
                json.writeFieldName(PATCH_TYPE);
                json.writeString(JSON_PATCH);
                json.writeFieldName(PATCH);
                json.writeBinary(patch.toJson()); // standard, padded base64: Jackson's default variant
            }
            if (!warnings.isEmpty()) {
                json.writeFieldName(WARNINGS);
                json.writeStartArray();
                for (String warning : warnings) {
                    json.writeString(warning);
                }
                json.writeEndArray();
            }
            if (!audit.isEmpty()) {
                json.writeFieldName(AUDIT_ANNOTATIONS);
                json.writeStartObject();
                for (Map.Entry<String, String> annotation : audit.entrySet()) {
                    json.writeStringField(annotation.getKey(), annotation.getValue());
                }
                json.writeEndObject();
            }
            json.writeEndObject();
        });
        if (object.length == 2) {
            return ChangeReport.NONE.members();
        }
        object[0] = ',';
        SerializedString members = new SerializedString(new String(object, 0, object.length - 1, StandardCharsets.UTF_8));
        members.asUnquotedUTF8(); // encoded now, once, rather than by the first answer that writes it
        return members;
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
