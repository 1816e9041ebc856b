package io.github.imagepullwebhook.credentials;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.CompletionStage;

/** Finds the credentials the kubelet would use for a pod. */
public interface Keychain {

    /**
     * @param namespace the review's namespace: a pod can only ever use Secrets of its own
     * @param podSpec   the pod spec, for {@code imagePullSecrets} and {@code serviceAccountName}
     * @param isPod     false for templates, which the ServiceAccount admission plugin does not
     *                  fill: their ServiceAccount's pull Secrets are added here
     */
    CompletionStage<PodKeyring> keyringFor(String namespace, JsonNode podSpec, boolean isPod);
}
