package io.github.imagepullwebhook.admission;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import io.github.imagepullwebhook.policy.GroupKind;
import java.io.IOException;
import java.util.Locale;
import java.util.Set;

/**
 * Reads an AdmissionReview from bytes. Only the envelope is checked here (version, request,
 * uid, operation): without those no AdmissionResponse can be addressed, so the caller answers
 * with HTTP 400. Problems inside the object are answered as AdmissionResponses later.
 */
public final class ReviewDecoder {

    public static final String V1 = "admission.k8s.io/v1";
    public static final String V1BETA1 = "admission.k8s.io/v1beta1";
    private static final Set<String> VERSIONS = Set.of(V1, V1BETA1);
    private static final int MAX_QUOTED = 60;

    private final ObjectMapper mapper;

    public ReviewDecoder(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public Review decode(byte[] body) throws BadReviewException {
        JsonNode root = parse(body);
        if (!root.isObject()) {
            throw new BadReviewException("body is not an AdmissionReview: expected a JSON object, got " + type(root));
        }
        String kind = text(root, "kind");
        if (!"AdmissionReview".equals(kind)) {
            throw new BadReviewException("body is not an AdmissionReview: kind is " + quote(kind));
        }
        String apiVersion = text(root, "apiVersion");
        if (!VERSIONS.contains(apiVersion)) {
            throw new BadReviewException("unsupported AdmissionReview apiVersion " + quote(apiVersion)
                    + "; send " + V1 + " or " + V1BETA1);
        }
        JsonNode request = root.get("request");
        if (request == null || !request.isObject()) {
            throw new BadReviewException("AdmissionReview has no request object");
        }
        String uid = text(request, "uid");
        if (uid.isEmpty()) {
            throw new BadReviewException("AdmissionReview request has no uid");
        }
        String operation = text(request, "operation");
        if (operation.isEmpty()) {
            throw new BadReviewException("AdmissionReview request has no operation");
        }
        return new Review(apiVersion, uid, groupKind(request), text(request, "subResource"), operation,
                text(request, "namespace"), text(request, "name"), present(request.get("object")),
                present(request.get("oldObject")));
    }

    private JsonNode parse(byte[] body) throws BadReviewException {
        if (body.length == 0) {
            throw new BadReviewException("request body is empty; expected an AdmissionReview");
        }
        try {
            JsonNode root = mapper.readTree(body);
            if (root == null || root.isMissingNode()) {
                throw new BadReviewException("request body is empty; expected an AdmissionReview");
            }
            return root;
        } catch (JacksonException e) {
            throw new BadReviewException("request body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadReviewException("request body could not be read: " + e.getMessage());
        }
    }

    /** {@code request.kind} names group and kind; reviews from tools may omit it, so fall back to the object. */
    private static GroupKind groupKind(JsonNode request) {
        JsonNode kind = request.get("kind");
        if (kind != null && kind.isObject() && !text(kind, "kind").isEmpty()) {
            return new GroupKind(text(kind, "group"), text(kind, "kind"));
        }
        JsonNode object = request.get("object");
        if (object != null && object.isObject()) {
            return GroupKind.ofApiVersion(text(object, "apiVersion"), text(object, "kind"));
        }
        return new GroupKind("", "");
    }

    private static JsonNode present(JsonNode node) {
        return node == null || node instanceof NullNode ? null : node;
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.textValue() : "";
    }

    private static String type(JsonNode node) {
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static String quote(String value) {
        if (value.isEmpty()) {
            return "missing";
        }
        String shown = value.length() > MAX_QUOTED ? value.substring(0, MAX_QUOTED) + "..." : value;
        return "\"" + shown.replaceAll("[^\\x20-\\x7e]", "?") + "\"";
    }
}
