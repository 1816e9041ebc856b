package io.github.imagepullwebhook.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.imagepullwebhook.admission.Review;
import io.github.imagepullwebhook.admission.ReviewDecoder;
import io.github.imagepullwebhook.audit.ClusterReader.Listed;

/**
 * The AdmissionReviews the apiserver would send about a stored object, as bytes, so that they
 * take the server's own path through decoding. Marked {@code dryRun}: nothing is stored.
 */
final class SimulatedReviews {

    static final String UID = "image-pull-webhook-audit";

    private final ObjectMapper mapper;

    SimulatedReviews(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The object created as it is now. */
    byte[] create(Listed listed, JsonNode object) {
        return encode(request(listed, Review.CREATE, object));
    }

    /** The object updated from {@code oldObject}. */
    byte[] update(Listed listed, JsonNode object, JsonNode oldObject) {
        ObjectNode request = request(listed, Review.UPDATE, object);
        request.set("oldObject", oldObject);
        return encode(request);
    }

    private ObjectNode request(Listed listed, String operation, JsonNode object) {
        AuditedKind kind = listed.kind();
        String version = listed.apiVersion().substring(listed.apiVersion().indexOf('/') + 1);
        ObjectNode request = mapper.createObjectNode().put("uid", UID);
        request.putObject("kind").put("group", kind.group()).put("version", version).put("kind", kind.kind());
        request.putObject("resource").put("group", kind.group()).put("version", version).put("resource", kind.plural());
        request.put("name", listed.name()).put("namespace", listed.namespace()).put("operation", operation);
        request.putObject("userInfo").put("username", UID);
        request.set("object", object);
        request.put("dryRun", true);
        return request;
    }

    private byte[] encode(ObjectNode request) {
        ObjectNode review = mapper.createObjectNode().put("apiVersion", ReviewDecoder.V1).put("kind", "AdmissionReview");
        review.set("request", request);
        try {
            return mapper.writeValueAsBytes(review);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a review", e); // a tree read from JSON always encodes
        }
    }
}
