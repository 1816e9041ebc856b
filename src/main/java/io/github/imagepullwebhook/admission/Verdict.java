package io.github.imagepullwebhook.admission;

import java.util.List;
import java.util.Map;

/**
 * The webhook's answer to one review, before it is encoded in the request's version.
 *
 * @param reason           why
 * @param allowed          whether the apiserver may go on
 * @param patch            JSON patch operations, or {@code null} when nothing changed
 * @param warnings         shown by kubectl
 * @param auditAnnotations recorded in the apiserver's audit log
 * @param code             HTTP-style status code for a denial
 * @param message          human-readable reason for a denial
 */
public record Verdict(Reason reason, boolean allowed, Patch patch, List<String> warnings,
                      Map<String, String> auditAnnotations, int code, String message) {

    public static Verdict allowed(Reason reason) {
        return new Verdict(reason, true, null, List.of(), Map.of(), 200, null);
    }

    public static Verdict allowed(Reason reason, List<String> warnings, Map<String, String> audit) {
        return new Verdict(reason, true, null, warnings, audit, 200, null);
    }

    public static Verdict patched(Patch patch, List<String> warnings, Map<String, String> audit) {
        return new Verdict(Reason.PATCHED, true, patch, warnings, audit, 200, null);
    }

    public static Verdict denied(Reason reason, int code, String message) {
        return new Verdict(reason, false, null, List.of(), Map.of(), code, message);
    }
}
