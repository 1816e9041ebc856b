package io.github.imagepullwebhook.admission;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.imagepullwebhook.policy.GroupKind;

/**
 * The parts of an AdmissionReview request the webhook reads. {@code object} and
 * {@code oldObject} are kept as the untyped trees the apiserver sent, unknown fields and all.
 *
 * @param apiVersion  the review's version, echoed in the response
 * @param uid         the request uid, echoed in the response
 * @param kind        the object's group and kind ({@code request.kind})
 * @param subResource empty for the main resource
 * @param operation   CREATE, UPDATE, DELETE or CONNECT
 * @param namespace   empty for cluster-scoped objects
 * @param name        may be empty on CREATE with generateName
 * @param object      the new object; {@code null} for DELETE
 * @param oldObject   the old object on UPDATE, else {@code null}
 */
public record Review(String apiVersion, String uid, GroupKind kind, String subResource, String operation,
                     String namespace, String name, JsonNode object, JsonNode oldObject) {

    public static final String CREATE = "CREATE";
    public static final String UPDATE = "UPDATE";

    public boolean isSubResource() {
        return !subResource.isEmpty();
    }

    /** How messages name the object: {@code Pod "web-1"} or {@code Deployment.apps "web"}. */
    public String describe() {
        return kind + (name.isEmpty() ? "" : " \"" + name + "\"");
    }
}
