package io.github.imagepullwebhook.admission;

import io.github.imagepullwebhook.patch.JsonPatch;
import io.github.imagepullwebhook.policy.PolicyResult;
import java.util.List;
import java.util.Map;

/**
 * The webhook's answer to one review, before it is encoded in the request's version.
 *
 * @param reason           why
 * @param allowed          whether the apiserver may go on
 * @param patch            the changes as a JSON patch, or {@code null} when nothing changes
 * @param warnings         shown by kubectl
 * @param auditAnnotations recorded in the apiserver's audit log
 * @param code             HTTP-style status code for a denial
 * @param message          human-readable reason for a denial
 */
public record Verdict(Reason reason, boolean allowed, JsonPatch patch, List<String> warnings,
                      Map<String, String> auditAnnotations, int code, String message) {

    public static Verdict allowed(Reason reason) {
        return new Verdict(reason, true, null, List.of(), Map.of(), 200, null);
    }

    public static Verdict denied(Reason reason, int code, String message) {
        return new Verdict(reason, false, null, List.of(), Map.of(), code, message);
    }

    /**
     * What the rules decided, rendered: the patch, the warnings and the audit annotations all
     * come from the one list of changes. Audit annotations are written when something changed,
     * failed, is missing or was exempted.
     *
     * @param failures       images that could not be pinned (admitted unpinned)
     * @param missingSecrets the pod's pull Secrets that do not exist
     */
    static Verdict decided(PolicyResult result, List<String> failures, List<String> missingSecrets) {
        Reason reason = !failures.isEmpty() ? Reason.RESOLUTION_FAILED_ALLOWED
                : result.changed() ? Reason.PATCHED : Reason.NO_CHANGE;
        Warnings summary = Warnings.of(result);
        Map<String, String> audit = Map.of();
        if (result.changed() || !failures.isEmpty() || !missingSecrets.isEmpty() || !result.exemptions().isEmpty()) {
            audit = summary.audit(reason);
            if (!result.exemptions().isEmpty()) {
                audit.put("exempt", Warnings.bounded(String.join(", ", result.exemptions())));
            }
            if (!failures.isEmpty()) {
                audit.put("pinning-failed", Warnings.bounded(String.join("; ", failures)));
            }
            if (!missingSecrets.isEmpty()) {
                audit.put("missing-pull-secrets", Warnings.bounded(String.join(", ", missingSecrets)));
            }
        }
        return new Verdict(reason, true, result.changed() ? JsonPatch.of(result.changes()) : null, summary.lines(),
                audit, 200, null);
    }
}
